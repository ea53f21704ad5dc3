/**
 * `transactive serve` as a real process on 127.0.0.1 with an ephemeral port: it prints each
 * service URL, answers over HTTP through the client (good, malformed, oversized and
 * wrong-namespace requests), and exits 0 on SIGTERM. Usage errors exit 2.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEiClient, signOadrPayload } from "@transactive/ei-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example, REPO, run } from "./helpers.js";

const BIN = join(REPO, "packages/cli/src/bin.ts");

async function startServe(
  args: readonly string[],
): Promise<{ child: ChildProcess; urls: Map<string, string>; base: string; stdout: () => string }> {
  const child = spawn(
    process.execPath,
    ["--conditions=@transactive/source", "--import", "tsx", BIN, "serve", ...args],
    {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c));
  child.stderr?.on("data", (c: Buffer) => (out += c));
  const deadline = Date.now() + 50_000;
  while (!out.includes("Stop with Ctrl+C.")) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = /services on (\S+)/.exec(out)?.[1] as string;
  const urls = new Map(
    [...out.matchAll(/^ {2}(\w+)\s+(http\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  return { child, urls, base, stdout: () => out };
}

describe("transactive serve (openadr2b)", () => {
  let serve: Awaited<ReturnType<typeof startServe>>;
  beforeAll(async () => {
    serve = await startServe(["--port", "0", "--max-body", "65536"]);
  }, 60_000);
  afterAll(() => {
    if (serve?.child.exitCode === null) serve.child.kill("SIGKILL");
  });

  it("prints the URL of each OpenADR 2.0b service", () => {
    expect(serve.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const name of ["EiEvent", "EiRegisterParty", "EiReport", "EiOpt", "OadrPoll"])
      expect(serve.urls.get(name)).toBe(`${serve.base}/OpenADR2/Simple/2.0b/${name}`);
  });

  it("answers a valid request, and malformed, oversized and wrong-namespace ones with clear errors", async () => {
    const client = createEiClient({ baseUrl: serve.base });
    const query = `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><oadr:oadrSignedObject><oadr:oadrQueryRegistration ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"><pyld:requestID>q-1</pyld:requestID></oadr:oadrQueryRegistration></oadr:oadrSignedObject></oadr:oadrPayload>`;
    const ok = await client.send("EiRegisterParty", query);
    expect(ok.status).toBe(200);
    expect(ok.document?.element).toBe("oadr:oadrPayload");
    expect(ok.body).toContain("oadrCreatedPartyRegistration");

    const malformed = await client.send("EiRegisterParty", "<oadr:oadrPayload xmlns:oadr=");
    // an EI response, not an exception: the code and the reason with its path
    expect(malformed.status).toBe(200);
    expect(malformed.document?.element).toBe("oadr:oadrPayload");
    expect(malformed.body).toContain("<ei:responseCode>454</ei:responseCode>");
    expect(malformed.body).toMatch(
      /<ei:responseDescription>\/oadrPayload: [^<]*\(line 1, column \d+\)</,
    );

    const wrongNs = await client.send(
      "EiRegisterParty",
      query.replaceAll("oadr-2.0b/2012/07", "oadr-2.0b/2099/01"),
    );
    expect(wrongNs.body).toContain("<ei:responseCode>453</ei:responseCode>");
    expect(wrongNs.body).toContain(
      "no known element {http://openadr.org/oadr-2.0b/2099/01}oadrPayload",
    );
    expect(wrongNs.body).toContain("<pyld:requestID>q-1</pyld:requestID>");

    const big = await fetch(`${serve.base}/OpenADR2/Simple/2.0b/EiEvent`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: `${query}${" ".repeat(70_000)}`,
    });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain("request body exceeds the limit of 65536 bytes");

    // still serving
    expect((await client.send("EiRegisterParty", query)).status).toBe(200);
  });

  it("refuses the bytes the CLI refuses, with the same words (one decoder)", async () => {
    const json = new TextEncoder().encode(
      readFileSync(example("openadr2b-distribute-event.json"), "utf8"),
    );
    const bad = json.slice();
    const at = bad.indexOf(0x3a); // the first ":" made an invalid UTF-8 byte
    bad[at] = 0xff;
    const words = `JSON must be UTF-8 (RFC 8259): byte 0xff at offset ${at} is not valid UTF-8`;
    const dir = mkdtempSync(join(tmpdir(), "transactive-serve-bytes-"));
    try {
      const file = join(dir, "bad.json");
      writeFileSync(file, bad);
      const cli = await run(["validate", file]);
      expect(cli.code).toBe(1);
      expect(cli.stdout + cli.stderr).toContain(words);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const r = await fetch(serve.urls.get("EiEvent") as string, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: bad,
    });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toMatchObject({ code: "bad-encoding", message: words });
  });

  it("stops on SIGTERM with exit code 0", async () => {
    serve.child.kill("SIGTERM");
    const [code] = await once(serve.child, "exit");
    expect(code).toBe(0);
    expect(serve.stdout()).toContain("transactive serve: stopped (SIGTERM)");
  });
});

describe("transactive serve --max-body", () => {
  it("gives the dispatcher the same limit: a 4 MB body under --max-body 64 MiB is served", async () => {
    const serve = await startServe(["--port", "0", "--max-body", String(64 * 1024 * 1024)]);
    try {
      const body = `${readFileSync(example("openadr2b-distribute-event.xml"), "utf8")}${" ".repeat(4_000_000)}`;
      const r = await fetch(serve.urls.get("EiEvent") as string, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body,
      });
      expect(r.status).toBe(200);
      expect(await r.text()).toMatch(/<ei:responseCode>\d{3}<\/ei:responseCode>/);
      const over = await fetch(serve.urls.get("EiEvent") as string, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body: " ".repeat(64 * 1024 * 1024 + 1),
      });
      expect(over.status).toBe(413);
      expect((await over.text()).replace(/\s+/g, " ")).toContain(
        'code="payload-too-large" path="/OpenADR2/Simple/2.0b/EiEvent"',
      );
    } finally {
      serve.child.kill("SIGTERM");
      await once(serve.child, "exit");
    }
  }, 60_000);
});

describe("transactive serve (cts)", () => {
  it("serves the CTS services and takes a createTender", async () => {
    const serve = await startServe(["--port", "0", "--profile", "cts"]);
    try {
      expect(serve.urls.get("EiTender")).toBe(`${serve.base}/cts/EiTender`);
      const client = createEiClient({ baseUrl: serve.base, profile: "cts" });
      const r = await client.send("EiTender", readFileSync(example("cts-create-tender.xml")));
      expect(r.status).toBe(200);
      expect(r.document?.element).toBe("pyld:eiCreatedTender");
    } finally {
      serve.child.kill("SIGTERM");
      await once(serve.child, "exit");
    }
  }, 60_000);
});

const HAS_OPENSSL = spawnSync("openssl", ["version"]).status === 0;

describe.skipIf(!HAS_OPENSSL && process.env.CI !== "true")(
  "transactive serve with XML Signature",
  () => {
    it("verifies signed requests against --trust-ca, refuses unsigned ones (463), signs answers", async () => {
      if (!HAS_OPENSSL) throw new Error("CI=true requires the openssl command for this test");
      // a self-signed signer, made now: its own certificate is the trust anchor
      const dir = mkdtempSync(join(tmpdir(), "transactive-serve-sign-"));
      const serve = await (async () => {
        execFileSync(
          "openssl",
          [
            ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
            ...["-keyout", "signer.key", "-out", "signer.crt", "-days", "2", "-subj", "/CN=ven"],
          ],
          { cwd: dir, stdio: "pipe" },
        );
        return startServe([
          ...["--port", "0", "--sign-key", join(dir, "signer.key")],
          ...["--sign-cert", join(dir, "signer.crt"), "--trust-ca", join(dir, "signer.crt")],
        ]);
      })();
      try {
        expect(serve.stdout()).toContain("Answers are signed (XML Signature).");
        expect(serve.stdout()).toContain(
          "Requests must be signed by a certificate issued by one of 1",
        );
        const cert = readFileSync(join(dir, "signer.crt"), "utf8");
        const client = createEiClient({
          baseUrl: serve.base,
          verify: { trustedCertificates: [cert] },
        });
        const query = `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><oadr:oadrSignedObject><oadr:oadrQueryRegistration ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"><pyld:requestID>q-s</pyld:requestID></oadr:oadrQueryRegistration></oadr:oadrSignedObject></oadr:oadrPayload>`;
        const unsigned = await client.send("EiRegisterParty", query);
        expect(unsigned.body).toContain("<ei:responseCode>463</ei:responseCode>");
        expect(unsigned.body).toContain("signature refused (unsigned)");
        expect(unsigned.signature?.ok).toBe(true);
        const signed = signOadrPayload(query, {
          privateKey: readFileSync(join(dir, "signer.key")),
          certificate: cert,
        });
        const ok = await client.send("EiRegisterParty", signed);
        expect(ok.body).toContain("oadrCreatedPartyRegistration");
        expect(ok.body).toContain("<ei:responseCode>200</ei:responseCode>");
        expect(ok.signature?.ok).toBe(true);
      } finally {
        serve.child.kill("SIGTERM");
        await once(serve.child, "exit");
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);

    it("refuses a key that is not the certificate's, at start-up", async () => {
      const dir = mkdtempSync(join(tmpdir(), "transactive-serve-pair-"));
      try {
        execFileSync(
          "openssl",
          [
            ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
            ...["-keyout", "a.key", "-out", "a.crt", "-days", "2", "-subj", "/CN=a"],
          ],
          { cwd: dir, stdio: "pipe" },
        );
        const other = join(dir, "other.key");
        writeFileSync(other, otherKey());
        const crt = join(dir, "a.crt");
        for (const [k, c] of [
          ["--tls-key", "--tls-cert"],
          ["--sign-key", "--sign-cert"],
        ] as const) {
          const r = await run(["serve", k, other, c, crt]);
          expect(r).toMatchObject({ code: 2, stdout: "" });
          expect(r.stderr).toContain(`${k} ${other} is not the key of ${c} ${crt}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);

const otherKey = () =>
  generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
    type: "pkcs8",
    format: "pem",
  }) as string;

describe("transactive serve checks keys and certificates at start-up", () => {
  const readme = join(REPO, "README.md");
  it("names the option and the file of one that does not parse, exit 2, no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "transactive-serve-keys-"));
    const key = join(dir, "k.pem");
    writeFileSync(key, otherKey());
    try {
      const cases: [string[], string][] = [
        [
          ["--tls-key", readme, "--tls-cert", readme],
          `--tls-key ${readme} is not a PEM private key`,
        ],
        [
          ["--tls-key", key, "--tls-cert", readme],
          `--tls-cert ${readme} is not a PEM X.509 certificate`,
        ],
        [
          ["--sign-key", readme, "--sign-cert", readme],
          `--sign-key ${readme} is not a PEM private key`,
        ],
        [
          ["--sign-key", key, "--sign-cert", readme],
          `--sign-cert ${readme} is not a PEM X.509 certificate`,
        ],
        [["--trust-ca", readme], `--trust-ca ${readme} is not a PEM X.509 certificate`],
      ];
      for (const [args, message] of cases) {
        const r = await run(["serve", "--port", "0", ...args]);
        expect(r.code, args.join(" ")).toBe(2);
        // one line naming the option and the file (then the CLI's usual pointer to --help)
        expect(r.stderr.split("\n")[0]).toContain(message);
        expect(r.stderr).not.toMatch(/^\s+at /m);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 with one line from the real command too", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--conditions=@transactive/source",
        "--import",
        "tsx",
        BIN,
        "serve",
        "--tls-key",
        readme,
        "--tls-cert",
        readme,
      ],
      { cwd: REPO, encoding: "utf8", timeout: 60_000 },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--tls-key ${readme} is not a PEM private key`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe("transactive serve --role ven", () => {
  it("serves a VEN's push endpoint, which takes an oadrDistributeEvent from a VTN", async () => {
    const serve = await startServe(["--port", "0", "--role", "ven"]);
    try {
      expect(serve.stdout()).toContain("openadr2b reference VEN services on");
      const url = serve.urls.get("EiEvent") as string;
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/xml" },
        body: readFileSync(example("openadr2b-distribute-event.xml")),
      });
      expect(r.status).toBe(200);
      // an EI answer (a VEN not registered with that VTN refuses with an EI code, not an HTTP error)
      expect(await r.text()).toMatch(/<ei:responseCode>\d{3}<\/ei:responseCode>/);
    } finally {
      serve.child.kill("SIGTERM");
      await once(serve.child, "exit");
    }
  }, 60_000);
});

describe("transactive serve usage errors", () => {
  it("exits 2 on bad options", async () => {
    expect(await run(["serve", "--port", "http"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--port must be an integer from 0 to 65535, not "http"'),
    });
    expect(await run(["serve", "--profile", "openadr2a"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('serve --profile must be openadr2b or cts, not "openadr2a"'),
    });
    expect(await run(["serve", "--role", "market"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'serve --role for openadr2b must be vtn or ven, not "market"',
      ),
    });
    expect(await run(["serve", "--tls-key", "k.pem"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("HTTPS needs both --tls-key and --tls-cert"),
    });
    expect(await run(["serve", "--sign-key", "k.pem"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("signing needs both --sign-key and --sign-cert"),
    });
    expect(await run(["serve", "--profile", "cts", "--trust-ca", "ca.pem"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("are OpenADR 2.0b XML Signature options"),
    });
    expect(await run(["serve", "--trust-ca", "/nonexistent/ca.pem"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("cannot read --trust-ca /nonexistent/ca.pem: ENOENT"),
    });
  });
});

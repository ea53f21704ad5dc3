/**
 * `transactive interop` option parsing: --help documents every option, and every bad command line
 * is one line on stderr with exit 2, before any scenario runs.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INTEROP_HELP, parseInteropArgs, parsePlayer } from "../src/interop.js";
import { run, tempFile } from "./helpers.js";

const OPTIONS = [
  "--scenario",
  "--list",
  "--vtn",
  "--ven",
  "--market",
  "--agent",
  "--signed",
  "--sign-key",
  "--sign-cert",
  "--trust-ca",
  "--tls-ca",
  "--tls-cert",
  "--tls-key",
  "--junit",
  "--html",
  "--timeout",
  "--help",
];

const dir = mkdtempSync(join(tmpdir(), "transactive-interop-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed EC key and certificate made with openssl (absent: the tests using it say so). */
function selfSigned(name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
    ],
    { stdio: "pipe" },
  );
  return { key, cert };
}

describe("transactive interop --help", () => {
  it("documents every option and the exit codes", async () => {
    const r = await run(["interop", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(INTEROP_HELP);
    for (const o of OPTIONS) expect(r.stdout, o).toContain(o);
    expect(r.stdout).toContain("Exit codes: 0 every check passed, 1 some check failed, 2 usage");
  });

  it("is listed in transactive --help", async () => {
    const r = await run(["--help"]);
    expect(r.stdout).toMatch(/^ {2}interop --scenario NAME\|FILE/m);
  });
});

describe("transactive interop usage errors: one line, exit 2", () => {
  const cases: [string, string[], RegExp][] = [
    ["no scenario", ["interop"], /name a scenario with --scenario NAME\|FILE/],
    [
      "a positional argument",
      ["interop", "registration"],
      /interop takes no arguments, got "registration"/,
    ],
    ["an unknown option", ["interop", "--scenario", "x", "--frob"], /Unknown option '--frob'/],
    [
      "a VTN that is neither URL, ours nor cmd:",
      ["interop", "--scenario", "x", "--vtn", "theirs"],
      /--vtn must be one of URL, ours, cmd:COMMAND; got "theirs"/,
    ],
    [
      "a script VTN",
      ["interop", "--scenario", "x", "--vtn", "script"],
      /--vtn cannot be script: it takes URL, ours, cmd:COMMAND/,
    ],
    [
      "a market command",
      ["interop", "--scenario", "x", "--market", "cmd:./m"],
      /--market cannot be command: it takes URL, ours/,
    ],
    [
      "an agent URL",
      ["interop", "--scenario", "x", "--agent", "http://127.0.0.1:9"],
      /--agent cannot be a URL: it takes ours, cmd:COMMAND, script/,
    ],
    [
      "an empty command",
      ["interop", "--scenario", "x", "--ven", "cmd:"],
      /--ven cmd: needs a command/,
    ],
    [
      "a malformed URL",
      ["interop", "--scenario", "x", "--vtn", "http://exa mple"],
      /--vtn http:\/\/exa mple is not a valid URL/,
    ],
    [
      "--tls-cert without --tls-key",
      ["interop", "--scenario", "x", "--tls-cert", "c.pem"],
      /--tls-cert and --tls-key go together/,
    ],
    [
      "--sign-cert without --sign-key",
      ["interop", "--scenario", "x", "--sign-cert", "c.pem"],
      /--sign-key and --sign-cert go together/,
    ],
    [
      "a negative timeout",
      ["interop", "--scenario", "x", "--timeout=-3"],
      /--timeout must be a number of seconds between 0 and 86400, got "-3"/,
    ],
    [
      "a timeout that is not a number",
      ["interop", "--scenario", "x", "--timeout", "soon"],
      /--timeout must be a number of seconds/,
    ],
    [
      "a missing CA file",
      ["interop", "--scenario", "x", "--trust-ca", "/nonexistent/ca.pem"],
      /cannot read --trust-ca \/nonexistent\/ca.pem: ENOENT/,
    ],
    [
      "--signed with a script VEN and no signing key",
      ["interop", "--scenario", "x", "--signed", "--ven", "script"],
      /--signed with a script player needs --sign-key and --sign-cert/,
    ],
  ];
  for (const [what, argv, message] of cases)
    it(what, async () => {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split("\n")[0]).toMatch(/^transactive: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });

  it("a CA file that is not a certificate", async () => {
    const r = await run(["interop", "--scenario", "x", "--tls-ca", tempFile("not a pem", "pem")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tls-ca .* is not a PEM X\.509 certificate/);
  });

  it("a key that does not belong to its certificate", async () => {
    const a = selfSigned("a");
    const b = selfSigned("b");
    const r = await run(["interop", "--scenario", "x", "--sign-key", a.key, "--sign-cert", b.cert]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--sign-key ${a.key} is not the key of --sign-cert ${b.cert}`);
  });
});

describe("parseInteropArgs", () => {
  it("reads players, repeated scenarios, keys, trust and the timeout", () => {
    const signer = selfSigned("signer");
    const client = selfSigned("client");
    const p = parseInteropArgs([
      "--scenario",
      "openadr-registration",
      "--scenario",
      "./my.json",
      "--vtn",
      "https://vtn.example:8443/",
      "--ven",
      "script",
      "--signed",
      "--sign-key",
      signer.key,
      "--sign-cert",
      signer.cert,
      "--trust-ca",
      signer.cert,
      "--tls-cert",
      client.cert,
      "--tls-key",
      client.key,
      "--tls-ca",
      client.cert,
      "--timeout",
      "2.5",
      "--junit",
      "out.xml",
      "--html",
      "out.html",
    ]);
    expect(p.scenarios).toEqual(["openadr-registration", "./my.json"]);
    expect(p.players).toEqual({
      vtn: { kind: "url", url: "https://vtn.example:8443" },
      ven: { kind: "script" },
    });
    expect(p.options.signed).toBe(true);
    expect(p.options.timeoutMs).toBe(2500);
    expect(p.options.signing?.certificate.toString()).toContain("BEGIN CERTIFICATE");
    expect(p.options.signing?.privateKey.toString()).toContain("PRIVATE KEY");
    expect(p.options.trustedCertificates).toHaveLength(1);
    expect(p.options.tls?.ca?.toString()).toContain("BEGIN CERTIFICATE");
    expect(p.options.tls?.cert?.toString()).toContain("BEGIN CERTIFICATE");
    expect(p.junit).toBe("out.xml");
    expect(p.html).toBe("out.html");
  });

  it("--list needs no scenario; players default to nothing given", () => {
    const p = parseInteropArgs(["--list"]);
    expect(p.list).toBe(true);
    expect(parseInteropArgs(["--scenario", "s"]).players).toEqual({});
  });

  it("parsePlayer reads commands and ours", () => {
    expect(parsePlayer("ven", "cmd:python3 my_ven.py --x")).toEqual({
      kind: "command",
      command: "python3 my_ven.py --x",
    });
    expect(parsePlayer("market", "ours")).toEqual({ kind: "ours" });
  });
});

it("writes nothing when a usage error stops the run", async () => {
  const junit = join(dir, "never.xml");
  const r = await run(["interop", "--scenario", "x", "--timeout", "0", "--junit", junit]);
  expect(r.code).toBe(2);
  expect(existsSync(junit)).toBe(false);
});

/**
 * (The same helper as packages/ei-node/tests/pki.ts.) A throw-away PKI made at test time with the `openssl` command: a self-signed CA and leaf
 * certificates it issues (server: SAN IP 127.0.0.1 + DNS localhost; client; signer). Nothing is
 * checked in. Without openssl the tests that need it skip on a developer machine and fail under
 * CI=true (Debian images normally have openssl; this installs nothing).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HAS_OPENSSL = spawnSync("openssl", ["version"]).status === 0;
export const SKIP_OPENSSL = !HAS_OPENSSL && process.env.CI !== "true";
export function requireOpenssl(): void {
  if (!HAS_OPENSSL)
    throw new Error(
      "the openssl command is not installed, and CI=true requires the TLS and signature tests to run",
    );
}

export interface Credential {
  readonly key: string;
  readonly cert: string;
}

export interface TestPki {
  readonly ca: Credential;
  /** issues a leaf certificate; kind decides the extended key usage and names */
  issue(name: string, kind: "server" | "client" | "signer", keyType?: "ec" | "rsa"): Credential;
  /** a second, unrelated CA (for "untrusted" cases) */
  readonly otherCa: Credential;
  dispose(): void;
}

const keyArgs = (type: "ec" | "rsa"): string[] =>
  type === "ec"
    ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    : ["-newkey", "rsa:2048"];

export function makePki(): TestPki {
  requireOpenssl();
  const dir = mkdtempSync(join(tmpdir(), "transactive-pki-"));
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const makeCa = (name: string): Credential => {
    openssl([
      "req",
      "-x509",
      ...keyArgs("ec"),
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    return {
      key: readFileSync(file(`${name}.key`), "utf8"),
      cert: readFileSync(file(`${name}.crt`), "utf8"),
    };
  };
  const ca = makeCa("test-ca");
  const otherCa = makeCa("other-ca");
  return {
    ca,
    otherCa,
    issue(name, kind, keyType = "ec") {
      const ext = [
        "basicConstraints=CA:FALSE",
        kind === "server"
          ? "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost"
          : kind === "client"
            ? "extendedKeyUsage=clientAuth"
            : "keyUsage=digitalSignature",
      ].join("\n");
      writeFileSync(file(`${name}.ext`), `${ext}\n`);
      openssl([
        "req",
        ...keyArgs(keyType),
        "-nodes",
        "-keyout",
        `${name}.key`,
        "-out",
        `${name}.csr`,
        "-subj",
        `/CN=${name}`,
      ]);
      openssl([
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        "test-ca.crt",
        "-CAkey",
        "test-ca.key",
        "-CAcreateserial",
        "-out",
        `${name}.crt`,
        "-days",
        "2",
        "-extfile",
        `${name}.ext`,
      ]);
      return {
        key: readFileSync(file(`${name}.key`), "utf8"),
        cert: readFileSync(file(`${name}.crt`), "utf8"),
      };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

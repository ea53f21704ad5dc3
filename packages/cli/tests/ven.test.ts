/**
 * `transactive ven` usage: its help, and every bad option is one line on stderr and exit 2 before
 * anything is started (the VEN's behaviour is tested with real processes in packages/ven/tests).
 */
import { describe, expect, it } from "vitest";
import { run, tempFile } from "./helpers.js";

describe("transactive ven usage", () => {
  it("prints its help, and is listed in the top-level help", async () => {
    const help = await run(["ven", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      "registered: yes|no, events: N received / M opted in, reports: K sent",
    );
    expect((await run(["--help"])).stdout).toMatch(/^ {2}ven --vtn URL/m);
  });

  it.each([
    [[], "ven needs --vtn URL"],
    [["--vtn", "not a url"], '--vtn must be a URL such as http://127.0.0.1:8080, not "not a url"'],
    [["--vtn", "ftp://x"], "--vtn must be an http: or https: URL, not ftp:"],
    [["--vtn", "http://x", "--profile", "2.0a"], "ven --profile must be 2.0b"],
    [
      ["--vtn", "http://x", "--opt", "sometimes"],
      "--opt must be always, never, by-signal:NAME[,NAME...] or command:CMD",
    ],
    [
      ["--vtn", "http://x", "--duration", "0"],
      '--duration must be a positive number of seconds, not "0"',
    ],
    [["--vtn", "http://x", "--log-level", "loud"], "--log-level must be error, warn, info, debug"],
    [
      ["--vtn", "http://x", "--report-file", "a", "--report-command", "b"],
      "give --report-file or --report-command, not both",
    ],
    [["--vtn", "http://x", "--push-listen", "8081"], "--push-listen must be HOST:PORT"],
    [["--vtn", "http://x", "--push-url", "http://me"], "--push-url goes with --push-listen"],
    [
      ["--vtn", "http://x", "--sampling-min", "PT0.5S"],
      "--sampling-min: PT0.5S is shorter than 1 second",
    ],
    [
      ["--vtn", "http://x", "--sampling-min", "PT1H", "--sampling-max", "PT1M"],
      "--sampling-min must not be longer than --sampling-max",
    ],
    [["--vtn", "http://x", "--sign-key", "k.pem"], "signing needs both --sign-key and --sign-cert"],
    [
      ["--vtn", "http://x", "--tls-cert", "c.pem"],
      "a client certificate needs both --tls-cert and --tls-key",
    ],
    [
      ["--vtn", "http://x", "--tls-ca", "/nonexistent/ca.pem"],
      "cannot read --tls-ca /nonexistent/ca.pem: ENOENT",
    ],
    [["--vtn", "http://x", "stray.xml"], "ven takes no file arguments, got stray.xml"],
  ])("%j is a usage error", async (args, message) => {
    const r = await run(["ven", ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr.split("\n")[0]).toMatch(/^transactive: /);
  });

  it("checks a certificate file before starting", async () => {
    const r = await run([
      "ven",
      "--vtn",
      "http://x",
      "--trust-ca",
      tempFile("not a certificate", "pem"),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--trust-ca .* is not a PEM X\.509 certificate/);
  });
});

/** Dispatch: each command's module is imported only when it runs; errors end as one line, exit 2. */
import { registry } from "@transactive/ei";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli.js";
import type { LazyIo } from "../src/io.js";

// every command module is replaced by a stand-in that records its import
const loaded = vi.hoisted(() => [] as string[]);
const behaviour = vi.hoisted(() => ({ resolve: (): Promise<number> => Promise.resolve(0) }));
vi.mock("../src/validate.js", () => {
  loaded.push("validate");
  return { validateArgs: async () => 0 };
});
vi.mock("../src/convert.js", () => {
  loaded.push("convert");
  return { convertArgs: async () => 0 };
});
vi.mock("../src/resolve.js", () => {
  loaded.push("resolve");
  return { resolveCommand: () => behaviour.resolve() };
});
vi.mock("../src/serve.js", () => {
  loaded.push("serve");
  return { serveCommand: async () => 0 };
});
vi.mock("../src/conformance.js", () => {
  loaded.push("conformance");
  return { conformanceCommand: async () => 0 };
});

function lazyIo() {
  const out = { stdout: "", stderr: "", registryLoads: 0 };
  const io: LazyIo = {
    loadRegistry: async () => {
      out.registryLoads++;
      return registry;
    },
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    stdin: async () => new Uint8Array(),
  };
  return { io, out };
}

afterEach(() => {
  delete process.env.TRANSACTIVE_DEBUG;
  behaviour.resolve = () => Promise.resolve(0);
});

describe("lazy commands", () => {
  it("--help, --version, no command and an unknown command load no command and no registry", async () => {
    const { io, out } = lazyIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(out.stdout).toMatch(/^ {2}resolve <file\|->/m);
    expect(await main(["--version"], io)).toBe(0);
    expect(await main([], io)).toBe(2);
    expect(await main(["frobnicate"], io)).toBe(2);
    expect(out.stderr).toContain("transactive: unknown command: frobnicate");
    expect(loaded).toEqual([]);
    expect(out.registryLoads).toBe(0);
  });

  it("a command loads its own module only, and the registry once per run", async () => {
    const { io, out } = lazyIo();
    expect(await main(["resolve", "x.xml"], io)).toBe(0);
    expect(loaded).toEqual(["resolve"]);
    expect(out.registryLoads).toBe(1);
  });
});

describe("errors", () => {
  it("an unexpected error is one line on stderr and exit 2, no stack trace", async () => {
    behaviour.resolve = () => Promise.reject(new Error("boom\n    at somewhere (x.ts:1:1)"));
    const { io, out } = lazyIo();
    expect(await main(["resolve", "x.xml"], io)).toBe(2);
    expect(out.stderr).toBe(
      "transactive: internal error: boom (TRANSACTIVE_DEBUG=1 shows where)\n",
    );
    expect(out.stdout).toBe("");
  });

  it("with TRANSACTIVE_DEBUG set the error is rethrown, stack and all", async () => {
    const error = new Error("boom");
    behaviour.resolve = () => Promise.reject(error);
    process.env.TRANSACTIVE_DEBUG = "1";
    const { io } = lazyIo();
    await expect(main(["resolve", "x.xml"], io)).rejects.toBe(error);
  });

  it("an XsdUnavailableError is an environment problem: one line, exit 2, no 'internal'", async () => {
    const e = new Error("xmllint could not compile x.xsd");
    e.name = "XsdUnavailableError";
    behaviour.resolve = () => Promise.reject(e);
    const { io, out } = lazyIo();
    expect(await main(["resolve", "x.xml"], io)).toBe(2);
    expect(out.stderr).toBe("transactive: xmllint could not compile x.xsd\n");
  });
});

/**
 * The XSD oracle the runner uses: the batched native xmllint where it runs, else xmllint-wasm
 * (no native install needed; every .xsd under the schema's folder tree is preloaded). Both give a
 * verdict per file.
 */
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import {
  hasXmllint,
  type XsdError,
  XsdUnavailableError,
  type XsdVerdict,
  xmllintValidate,
  xsdFor,
} from "./xsd.js";

export type XsdEngine = "xmllint" | "xmllint-wasm";

export interface XsdOracle {
  readonly engine: XsdEngine;
  /** verdict per document (keys as given) against the official XSD of `profile` */
  validate(
    profile: string,
    documents: ReadonlyMap<string, string | Uint8Array>,
  ): Promise<Map<string, XsdVerdict>>;
}

/** The native oracle when xmllint runs here, else the wasm one; `prefer` forces one. */
export async function xsdOracle(prefer?: XsdEngine): Promise<XsdOracle> {
  const engine = prefer ?? ((await hasXmllint()) ? "xmllint" : "xmllint-wasm");
  return engine === "xmllint" ? nativeOracle() : wasmOracle();
}

function nativeOracle(): XsdOracle {
  return {
    engine: "xmllint",
    async validate(profile, documents) {
      const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
      const { tmpdir } = await import("node:os");
      const dir = await mkdtemp(join(tmpdir(), "transactive-conformance-"));
      try {
        const files = new Map<string, string>();
        let n = 0;
        for (const [key, xml] of documents) {
          const file = join(dir, `${n++}.xml`);
          await writeFile(file, xml);
          files.set(file, key);
        }
        const verdicts = await xmllintValidate(await xsdFor(profile), [...files.keys()]);
        return new Map([...files].map(([file, key]) => [key, verdicts.get(file) as XsdVerdict]));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

function allXsds(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.endsWith(".xsd")) out.push(join(e.parentPath, e.name));
  return out;
}

function wasmOracle(): XsdOracle {
  return {
    engine: "xmllint-wasm",
    async validate(profile, documents) {
      let validateXML: typeof import("xmllint-wasm").validateXML;
      try {
        ({ validateXML } = await import("xmllint-wasm"));
      } catch (e) {
        throw new XsdUnavailableError(
          `neither xmllint nor xmllint-wasm is available: ${(e as Error).message}`,
        );
      }
      const root = await xsdFor(profile);
      // the schema set's top folder: two levels up covers ../schemas/xsd imports (CTS driver)
      const top = dirname(dirname(root));
      const name = (p: string) => relative(top, p).split(sep).join("/");
      const preload = await Promise.all(
        allXsds(top).map(async (p) => ({ fileName: name(p), contents: await readFile(p, "utf8") })),
      );
      const keys = [...documents.keys()];
      const xml = keys.map((k, i) => ({
        fileName: `doc${i}.xml`,
        contents: documents.get(k) as string | Uint8Array,
      }));
      const result = await validateXML({
        xml,
        schema: preload.filter((f) => f.fileName === name(root)),
        preload: preload.filter((f) => f.fileName !== name(root)),
        maxMemoryPages: 8192,
      });
      const errors = new Map<string, XsdError[]>(xml.map((f) => [f.fileName, []]));
      for (const e of result.errors) {
        // with several documents, a verdict line ("docN.xml fails to validate") comes as an
        // error without a location: the document already has its errors, or gets this one
        const verdict = /^(\S+) fails to validate$/.exec(e.rawMessage.trim());
        if (!e.loc && verdict && errors.has(verdict[1] as string)) {
          const list = errors.get(verdict[1] as string) as XsdError[];
          if (list.length === 0) list.push({ message: "fails to validate" });
          continue;
        }
        const file = e.loc?.fileName;
        const list = file === undefined ? undefined : errors.get(file);
        if (list)
          list.push({
            message: e.message
              .replace(/^\s*(Schemas validity error|parser error|namespace error) : /, "")
              .trim(),
            ...(e.loc ? { line: e.loc.lineNumber } : {}),
          });
        else if (file === undefined || !errors.has(file))
          throw new XsdUnavailableError(
            `xmllint-wasm could not use the ${profile} XSD: ${e.rawMessage}`,
          );
      }
      return new Map(
        keys.map((k, i) => {
          const list = errors.get(`doc${i}.xml`) ?? [];
          return [k, { valid: list.length === 0, errors: list }];
        }),
      );
    },
  };
}

/**
 * The run-time half of src/gen/handles.test.ts (generated): that file lists one typed decode per
 * global element (its compile-time half); this one runs them over the conformance element cases
 * (conformance/<standard>/elements/<profile>/<prefix>-<local>.xml, with a .json twin).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AnyElementHandle,
  type CodecDocument,
  CodecError,
  type ElementHandle,
  type ProfileOf,
  type ProfileTypes,
  type Registry,
} from "@transactive/codec";
import { describe, expect, it } from "vitest";

const CONFORMANCE = fileURLToPath(new URL("../../../conformance/", import.meta.url));

export interface Entry {
  readonly handle: AnyElementHandle;
  /** conformance/<dir>/elements/ holds its cases; null: none are generated (XMLDSig, Atom, ...) */
  readonly dir: string | null;
  decode(xml: Uint8Array, profile: string): { doc: CodecDocument; value: unknown };
}

export function entry<M extends ProfileTypes>(
  handle: ElementHandle<M>,
  dir: string | null,
  decode: (xml: Uint8Array, profile: string) => { doc: CodecDocument; value: unknown },
): Entry {
  return { handle, dir, decode };
}

/** The handle's own name for `profile`, or an error: never a cast. */
export function profileOf<H extends AnyElementHandle>(handle: H, profile: string): ProfileOf<H> {
  const found = handle.profiles.find((p): p is ProfileOf<H> => p === profile);
  if (found === undefined) throw new Error(`${handle.qname} has no profile ${profile}`);
  return found;
}

function caseFile(e: Entry, profile: string, ext: string): string | undefined {
  if (e.dir === null) return undefined;
  const path = join(
    CONFORMANCE,
    e.dir,
    "elements",
    profile,
    `${e.handle.qname.replace(":", "-")}.${ext}`,
  );
  return existsSync(path) ? path : undefined;
}

/** The tests over `entries`; `registry` declares every global element (the widest one). */
export function describeHandles(registry: Registry, entries: readonly Entry[]): void {
  const cases = entries.flatMap((entry) =>
    entry.handle.profiles.flatMap((profile) => {
      const xml = caseFile(entry, profile, "xml");
      return xml ? [{ name: `${entry.handle.qname} (${profile})`, entry, profile, xml }] : [];
    }),
  );

  describe("typed handles", () => {
    it("cover every global element of every schema document, with its profiles", () => {
      const declared = registry.docs.flatMap((d) =>
        Object.entries(d["x-xml"].elements).map(([q, per]) => `${q} ${Object.keys(per).join(",")}`),
      );
      const handles = entries.map((e) => `${e.handle.qname} ${e.handle.profiles.join(",")}`);
      expect(handles.sort()).toEqual(declared.sort());
    });

    // one case per generatable element and profile exists; a lost folder must not pass
    it("find a conformance case for most handles", () => {
      expect(cases.length).toBeGreaterThan(entries.length / 2);
    });

    it.for(cases)("decode $name to the value of its JSON twin", ({ entry, profile, xml }) => {
      const { doc, value } = entry.decode(readFileSync(xml), profile);
      expect(doc.element).toBe(entry.handle.qname);
      expect(doc.profile).toBe(profile);
      const twin = xml.replace(/\.xml$/, ".json");
      if (existsSync(twin))
        expect(value).toEqual(JSON.parse(readFileSync(twin, "utf8"))[entry.handle.qname]);
    });

    it("refuse a document of another element with unexpected-element", { timeout: 120_000 }, () => {
      let refused = 0;
      entries.forEach((e, i) => {
        const other = entries[(i + 1) % entries.length] as Entry;
        const profile = e.handle.profiles.find((p) => caseFile(e, p, "xml"));
        if (profile === undefined || other.handle.qname === e.handle.qname) return;
        const xml = readFileSync(caseFile(e, profile, "xml") as string);
        let error: unknown;
        try {
          other.decode(xml, other.handle.profiles[0] as string);
        } catch (x) {
          error = x;
        }
        expect(error).toBeInstanceOf(CodecError);
        expect((error as CodecError).code).toBe("unexpected-element");
        refused++;
      });
      expect(refused).toBeGreaterThan(0);
    });
  });
}

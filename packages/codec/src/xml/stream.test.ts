/**
 * XmlStreamWriter must give exactly what writeXml / writeFragment give for the same tree, or
 * decline (finish() -> undefined) so the caller writes through the tree.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oasisDir } from "../../tests/oasis-dir.js";
import {
  readXml,
  writeFragment,
  writeXml,
  XML_NS,
  type XmlElement,
  type XmlNode,
} from "./index.js";
import { type StreamOptions, XmlStreamWriter } from "./stream.js";

const XSI = "http://www.w3.org/2001/XMLSchema-instance";
const PREFIXES = new Map([
  [XSI, "xsi"],
  ["urn:a", "a"],
  ["urn:b", "oadr"],
]);

function el(
  ns: string,
  local: string,
  children: XmlNode[] = [],
  extra: Partial<Pick<XmlElement, "prefix" | "attrs" | "scope">> = {},
): XmlElement {
  return { ns, local, prefix: "", attrs: [], children, scope: new Map(), ...extra };
}

/** The tree through the stream writer, its root's scope as the seed. */
function streamed(tree: XmlElement, options: StreamOptions = {}): string | undefined {
  const w = new XmlStreamWriter(options);
  w.node(tree);
  return w.finish(tree.scope);
}

/** Streamed text equals writeXml's, or the stream declined; returns whether it streamed. */
function sameAsWriteXml(tree: XmlElement, prefixes?: ReadonlyMap<string, string>): boolean {
  const options = prefixes === undefined ? {} : { prefixes };
  const text = streamed(tree, options);
  if (text !== undefined) expect(text).toBe(writeXml(tree, options));
  return text !== undefined;
}

describe("XmlStreamWriter", () => {
  it("writes what writeXml writes: prefixes, declarations, escaping", () => {
    const value = `a&b<c>d"e'f\tg\nh\ri]]>`;
    const trees: XmlElement[] = [
      el("", "r"),
      el("", "r", [{ text: "" }]),
      el("urn:a", "r", [el("urn:b", "c", [{ text: "x" }], { prefix: "b" })], {
        prefix: "a",
        attrs: [{ ns: "urn:c", local: "k", prefix: "c", value: "v" }],
      }),
      el("urn:a", "r", [el("urn:b", "c"), el("urn:a", "d"), el("urn:z", "e")]),
      el("urn:a", "r", [el("urn:b", "c", [], { prefix: "p" })], { prefix: "p" }),
      el("urn:a", "r", [el("urn:b", "c", [], { prefix: "ns1" }), el("urn:c", "d")]),
      el("", "r", [{ text: value }, el("", "e"), { text: value, cdata: true }], {
        attrs: [
          { ns: "", local: "v", prefix: "", value },
          { ns: XML_NS, local: "lang", prefix: "xml", value: "en" },
        ],
      }),
      el("", "r", [{ text: "\u{1F600}" }]),
    ];
    for (const tree of trees) {
      expect(sameAsWriteXml(tree)).toBe(true);
      expect(sameAsWriteXml(tree, PREFIXES)).toBe(true);
      const w = new XmlStreamWriter({ declaration: false, prefixes: PREFIXES });
      w.node(tree);
      expect(w.finish(new Map())).toBe(writeFragment(tree, new Map(), PREFIXES));
    }
  });

  it("puts the seed's declarations first, as writeXml puts the root's scope", () => {
    const scope = new Map([
      ["xml", XML_NS],
      ["xsi", XSI],
      ["ei", "urn:ei"],
    ]);
    const tree = el("urn:a", "r", [el("urn:ei", "v", [], { prefix: "ei" })], {
      prefix: "a",
      scope,
      attrs: [{ ns: XSI, local: "type", prefix: "xsi", value: "ei:T" }],
    });
    expect(sameAsWriteXml(tree, PREFIXES)).toBe(true);
    // a seeded prefix no name uses is still declared
    expect(streamed({ ...tree, children: [] })).toBe(writeXml({ ...tree, children: [] }));
    expect(streamed({ ...tree, children: [] })).toContain('xmlns:ei="urn:ei"');
  });

  it("declines when the seed would have changed a prefix, and on a default namespace seed", () => {
    // the seed binds p to urn:a; without it the stream gave urn:b the prefix p
    const clash = el("urn:b", "r", [], { prefix: "p", scope: new Map([["p", "urn:a"]]) });
    expect(streamed(clash)).toBeUndefined();
    // the seed gives urn:a the prefix q; the stream chose p for it
    const other = el("urn:a", "r", [], { prefix: "p", scope: new Map([["q", "urn:a"]]) });
    expect(streamed(other)).toBeUndefined();
    const defaulted = el("urn:d", "r", [el("urn:d", "c")], { scope: new Map([["", "urn:d"]]) });
    expect(streamed(defaulted)).toBeUndefined();
    // consistent seeds stream
    const fine = el("urn:a", "r", [], { prefix: "p", scope: new Map([["p", "urn:a"]]) });
    expect(streamed(fine)).toBe(writeXml(fine));
  });

  it("declines what writeXml refuses, so the caller gets writeXml's error", () => {
    for (const bad of ["\u0000", "\u0001", "\uD800", "x\uDC00", "\uFFFE"]) {
      expect(streamed(el("", "r", [{ text: bad }]))).toBeUndefined();
      expect(
        streamed(el("", "r", [], { attrs: [{ ns: "", local: "a", prefix: "", value: bad }] })),
      ).toBeUndefined();
    }
    expect(streamed(el("", "r", [], { prefix: "p" }))).toBeUndefined();
    expect(
      streamed(el("", "r", [], { attrs: [{ ns: "", local: "xmlns", prefix: "", value: "x" }] })),
    ).toBeUndefined();
    expect(streamed(el("http://www.w3.org/2000/xmlns/", "r"))).toBeUndefined();
  });

  it("adds the schema location after the root's attributes, and declines it given twice", () => {
    const tree = el("urn:a", "r", [el("urn:a", "c")], {
      attrs: [{ ns: "", local: "k", prefix: "", value: "1" }],
    });
    const location = "urn:a r.xsd";
    const w = new XmlStreamWriter({ prefixes: PREFIXES, schemaLocation: location });
    w.node(tree);
    const withHint: XmlElement = {
      ...tree,
      attrs: [...tree.attrs, { ns: XSI, local: "schemaLocation", prefix: "xsi", value: location }],
    };
    expect(w.finish(new Map())).toBe(writeXml(withHint, { prefixes: PREFIXES }));
    const twice = new XmlStreamWriter({ schemaLocation: location });
    twice.node(withHint);
    expect(twice.finish(new Map())).toBeUndefined();
  });

  it("rewinds text and declarations to a mark", () => {
    const w = new XmlStreamWriter({ declaration: false });
    w.start({ ns: "urn:a", local: "r", prefix: "a" }, []);
    w.node(el("urn:a", "kept", [{ text: "1" }], { prefix: "a" }));
    const mark = w.mark();
    // enough to set several chunks aside, in a namespace only the dropped part uses
    for (let i = 0; i < 5000; i++) w.node(el("urn:dropped", "x", [{ text: `${i}` }]));
    w.rewind(mark);
    w.node(el("urn:b", "after", [], { prefix: "b" }));
    w.end();
    expect(w.finish(new Map())).toBe(
      '<a:r xmlns:a="urn:a" xmlns:b="urn:b"><a:kept>1</a:kept><b:after/></a:r>',
    );
  });

  it("writes many chunks and deep trees as writeXml does", () => {
    const items = Array.from({ length: 20_000 }, (_, i) =>
      el("urn:a", "item", [el("urn:b", "v", [{ text: `${i} & <${i}>` }], { prefix: "b" })], {
        prefix: i % 2 === 0 ? "a" : "",
        attrs: [{ ns: "", local: "n", prefix: "", value: `"${i}"` }],
      }),
    );
    const big = el("urn:a", "root", items, { prefix: "a", scope: new Map([["a", "urn:a"]]) });
    const text = streamed(big);
    expect((text as string).length).toBeGreaterThan(1_000_000);
    expect(text).toBe(writeXml(big));
    let deep = el("", "e", [{ text: "x" }]);
    for (let i = 0; i < 20_000; i++) deep = el("", "e", [deep]);
    expect(streamed(deep)).toBe(writeXml(deep));
  });
});

const dir = oasisDir();
const present = dir !== "" && existsSync(dir);

describe.skipIf(!present && process.env.CI !== "true")(
  "XmlStreamWriter on the OASIS samples",
  () => {
    const files = present
      ? (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[])
          .filter((f) => f.endsWith(".xml"))
          .sort()
      : [];

    it("writes every sample as writeXml and writeFragment do", () => {
      expect(present, `OASIS samples not found at "${dir}" (set TRANSACTIVE_OASIS_DIR)`).toBe(true);
      expect(files.length).toBeGreaterThan(0);
      let streamedCount = 0;
      for (const file of files) {
        const tree = readXml(readFileSync(join(dir, file)));
        if (sameAsWriteXml(tree, PREFIXES)) streamedCount++;
        // without a seed nothing can make the stream decline on a tree the reader gave
        const w = new XmlStreamWriter({ declaration: false, prefixes: PREFIXES });
        w.node(tree);
        expect(w.finish(new Map()), file).toBe(writeFragment(tree, new Map(), PREFIXES));
      }
      // the samples declare their namespaces on the root with distinct prefixes: most stream
      expect(streamedCount).toBeGreaterThan(files.length / 2);
    });
  },
);

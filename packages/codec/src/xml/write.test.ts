import { describe, expect, it } from "vitest";
import {
  isXmlElement,
  readXml,
  writeFragment,
  writeXml,
  XML_NS,
  type XmlElement,
  XmlError,
  type XmlNode,
} from "./index.js";

const EMPTY_SCOPE: ReadonlyMap<string, string> = new Map([["xml", XML_NS]]);

function el(
  ns: string,
  local: string,
  children: XmlNode[] = [],
  extra: Partial<Pick<XmlElement, "prefix" | "attrs" | "scope">> = {},
): XmlElement {
  return { ns, local, prefix: "", attrs: [], children, scope: EMPTY_SCOPE, ...extra };
}

/** The tree without prefixes and scopes: what must survive any write/read. */
function expanded(node: XmlNode): unknown {
  if (!isXmlElement(node)) return node.text;
  const children: unknown[] = [];
  for (const c of node.children) {
    const e = expanded(c);
    const last = children.length - 1;
    if (typeof e === "string" && typeof children[last] === "string") children[last] += e;
    else children.push(e);
  }
  return {
    name: `{${node.ns}}${node.local}`,
    attrs: node.attrs.map((a) => `{${a.ns}}${a.local}=${a.value}`),
    children,
  };
}

describe("writeXml", () => {
  it("writes a declaration unless told not to", () => {
    expect(writeXml(el("", "r"))).toBe('<?xml version="1.0" encoding="UTF-8"?><r/>');
    expect(writeXml(el("", "r"), { declaration: false })).toBe("<r/>");
  });

  it("declares every namespace on the root, using the tree's prefixes", () => {
    const tree = el("urn:a", "r", [el("urn:b", "c", [{ text: "x" }], { prefix: "b" })], {
      prefix: "a",
      attrs: [{ ns: "urn:c", local: "k", prefix: "c", value: "v" }],
    });
    expect(writeXml(tree, { declaration: false })).toBe(
      '<a:r xmlns:a="urn:a" xmlns:c="urn:c" xmlns:b="urn:b" c:k="v"><b:c>x</b:c></a:r>',
    );
  });

  it("uses preferred prefixes, then generated ones, for unprefixed names", () => {
    const tree = el("urn:a", "r", [el("urn:b", "c"), el("urn:a", "d")]);
    const xml = writeXml(tree, { declaration: false, prefixes: new Map([["urn:a", "oadr"]]) });
    expect(xml).toBe('<oadr:r xmlns:oadr="urn:a" xmlns:ns1="urn:b"><ns1:c/><oadr:d/></oadr:r>');
  });

  it("gives a different prefix when the preferred one is taken", () => {
    const tree = el("urn:a", "r", [el("urn:b", "c", [], { prefix: "p" })], { prefix: "p" });
    const xml = writeXml(tree, { declaration: false });
    expect(xml).toBe('<p:r xmlns:p="urn:a" xmlns:ns1="urn:b"><ns1:c/></p:r>');
    expect(expanded(readXml(xml))).toEqual(expanded(tree));
  });

  it("keeps a default namespace the root declares, unless a name is in no namespace", () => {
    const scope = new Map([["", "urn:d"]]);
    expect(writeXml(el("urn:d", "r", [el("urn:d", "c")], { scope }), { declaration: false })).toBe(
      '<r xmlns="urn:d"><c/></r>',
    );
    const mixed = el("urn:d", "r", [el("", "c")], { scope });
    const xml = writeXml(mixed, { declaration: false });
    expect(xml).toBe('<ns1:r xmlns:ns1="urn:d"><c/></ns1:r>');
    expect(expanded(readXml(xml))).toEqual(expanded(mixed));
  });

  it("keeps root declarations that only QName values use", () => {
    const xml =
      '<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ei="urn:ei"><v xsi:type="ei:T"/></r>';
    expect(writeXml(readXml(xml), { declaration: false })).toBe(xml);
  });

  it("escapes text and attribute values so they read back unchanged", () => {
    const value = `a&b<c>d"e'f\tg\nh\ri]]>`;
    const tree = el("", "r", [{ text: value }], {
      attrs: [{ ns: "", local: "v", prefix: "", value }],
    });
    const xml = writeXml(tree, { declaration: false });
    expect(xml).toBe(
      `<r v="a&amp;b&lt;c>d&quot;e'f&#9;g&#10;h&#13;i]]>">a&amp;b&lt;c&gt;d"e'f\tg\nh&#13;i]]&gt;</r>`,
    );
    const back = readXml(xml);
    expect(back.attrs[0]?.value).toBe(value);
    expect(back.children).toEqual([{ text: value }]);
  });

  it("writes CDATA as escaped text", () => {
    const tree = el("", "r", [{ text: "<b>", cdata: true }]);
    expect(writeXml(tree, { declaration: false })).toBe("<r>&lt;b&gt;</r>");
  });

  it("keeps astral characters and rejects characters XML cannot carry", () => {
    expect(writeXml(el("", "r", [{ text: "\u{1F600}" }]), { declaration: false })).toBe(
      "<r>\u{1F600}</r>",
    );
    for (const bad of ["\u0000", "\u0001", "\uD800", "x\uDC00", "\uFFFE"]) {
      expect(() => writeXml(el("", "r", [{ text: bad }]))).toThrow(XmlError);
      expect(() =>
        writeXml(el("", "r", [], { attrs: [{ ns: "", local: "a", prefix: "", value: bad }] })),
      ).toThrow(XmlError);
    }
  });

  it("rejects trees that cannot be written", () => {
    expect(() => writeXml(el("", "r", [], { prefix: "p" }))).toThrow(XmlError);
    expect(() =>
      writeXml(el("", "r", [], { attrs: [{ ns: "", local: "xmlns", prefix: "", value: "x" }] })),
    ).toThrow(XmlError);
  });

  it("writes trees deeper than the call stack", () => {
    let tree = el("", "e", [{ text: "x" }]);
    for (let i = 0; i < 20_000; i++) tree = el("", "e", [tree]);
    const xml = writeXml(tree, { declaration: false });
    expect(xml).toBe(`${"<e>".repeat(20_001)}x${"</e>".repeat(20_001)}`);
  });

  it("writes a document of many chunks as the concatenation of its parts", () => {
    // over a megabyte: the writer sets aside many flattened chunks and joins them at the end
    const A = "urn:a";
    const B = "urn:b";
    const item = (i: number): XmlElement =>
      el(A, "item", [el(B, "v", [{ text: `${i} & <${i}>` }], { prefix: "b" })], {
        prefix: i % 2 === 0 ? "a" : "",
        attrs: [{ ns: "", local: "n", prefix: "", value: `"${i}"` }],
      });
    const items = Array.from({ length: 20_000 }, (_, i) => item(i));
    const scope = new Map([["a", A]]);
    const xml = writeXml(el(A, "root", items, { prefix: "a", scope }));
    expect(xml.length).toBeGreaterThan(1_000_000);
    const parts = items.map((i) => writeXml(el(A, "root", [i], { prefix: "a", scope })));
    const [head, tail] = (parts[0] as string).split(/<a:item.*<\/a:item>/);
    const inner = parts.map((p) =>
      p.slice((head as string).length, p.length - (tail as string).length),
    );
    expect(xml).toBe(`${head}${inner.join("")}${tail}`);
    expect(expanded(readXml(xml))).toEqual(expanded(el(A, "root", items)));
  });

  it("rejects a character XML cannot carry far into a large document", () => {
    const items: XmlNode[] = Array.from({ length: 20_000 }, (_, i) =>
      el("", "i", [{ text: `${i}` }]),
    );
    items.push(el("", "bad", [{ text: "\u0001" }]));
    expect(() => writeXml(el("", "r", items))).toThrow(/U\+0001/);
  });
});

describe("round trip read -> write -> read", () => {
  it("gives the same tree, prefixes and scopes included, when declarations are on the root", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:unused="urn:unused" xmlns="urn:default">
  <oadr:oadrSignedObject ei:schemaVersion="2.0b" xml:lang="en">
    <ei:eiEvent><ei:value xsi:type="ei:T">a &amp; b &lt; c &#13;</ei:value><plain attr="x&#10;y"/></ei:eiEvent>
    <ei:eiEvent/>
  </oadr:oadrSignedObject>
</oadr:oadrPayload>`;
    const tree = readXml(xml);
    const written = writeXml(tree);
    expect(readXml(written)).toEqual(tree);
    expect(writeXml(readXml(written))).toBe(written);
  });

  it("keeps expanded names when declarations are nested or prefixes are redeclared", () => {
    const xml =
      '<p:a xmlns:p="urn:one"><p:b xmlns:p="urn:two" xmlns:q="urn:q"><p:c q:k="1"/></p:b><d xmlns="urn:d"><e/></d><f/></p:a>';
    const tree = readXml(xml);
    expect(expanded(readXml(writeXml(tree)))).toEqual(expanded(tree));
  });
});

describe("writeFragment", () => {
  const doc = readXml(
    '<r xmlns="urn:d" xmlns:ei="urn:ei" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><any><ei:x xsi:type="ei:T"><y/></ei:x></any></r>',
  );
  const any = doc.children[0] as XmlElement;
  const fragmentRoot = any.children[0] as XmlElement;

  it("declares every namespace it uses and the bindings in scope on its own root", () => {
    const xml = writeFragment(fragmentRoot);
    expect(xml).toBe(
      '<ei:x xmlns="urn:d" xmlns:ei="urn:ei" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="ei:T"><y/></ei:x>',
    );
    const back = readXml(xml);
    expect(expanded(back)).toEqual(expanded(fragmentRoot));
    expect(back.scope.get("ei")).toBe("urn:ei");
  });

  it("declares used namespaces even with an empty scope", () => {
    const xml = writeFragment(fragmentRoot, new Map());
    expect(xml).toBe(
      '<ei:x xmlns:ei="urn:ei" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="urn:d" xsi:type="ei:T"><ns1:y/></ei:x>',
    );
    expect(expanded(readXml(xml))).toEqual(expanded(fragmentRoot));
  });
});

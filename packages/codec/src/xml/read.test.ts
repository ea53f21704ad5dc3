import { describe, expect, it } from "vitest";
import { isXmlElement, readXml, XML_NS, type XmlElement, XmlError, type XmlNode } from "./index.js";

function elements(el: XmlElement): XmlElement[] {
  return el.children.filter(isXmlElement);
}

function child(el: XmlElement, index = 0): XmlElement {
  const found = elements(el)[index];
  if (found === undefined) throw new Error(`no child element ${index} in <${el.local}>`);
  return found;
}

function texts(el: XmlElement): string[] {
  return el.children
    .filter((n: XmlNode) => !isXmlElement(n))
    .map((n) => (n as { text: string }).text);
}

function thrown(fn: () => unknown): XmlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof XmlError) return e;
    throw new Error(`expected XmlError, got ${String(e)}`);
  }
  throw new Error("expected XmlError, nothing was thrown");
}

describe("readXml: namespaces", () => {
  it("resolves the default namespace for elements but not for attributes", () => {
    const root = readXml('<r xmlns="urn:d" a="1"><c/></r>');
    expect(root).toMatchObject({ ns: "urn:d", local: "r", prefix: "" });
    expect(root.attrs).toEqual([{ ns: "", local: "a", prefix: "", value: "1" }]);
    expect(child(root)).toMatchObject({ ns: "urn:d", local: "c", prefix: "" });
  });

  it("consumes xmlns declarations into scope instead of attrs", () => {
    const root = readXml('<p:r xmlns:p="urn:p" xmlns="urn:d" p:x="1"/>');
    expect(root.attrs).toEqual([{ ns: "urn:p", local: "x", prefix: "p", value: "1" }]);
    expect(Object.fromEntries(root.scope)).toEqual({ xml: XML_NS, p: "urn:p", "": "urn:d" });
  });

  it("honours redeclared prefixes in nested scopes", () => {
    const root = readXml('<p:a xmlns:p="urn:one"><p:b xmlns:p="urn:two"><p:c/></p:b><p:d/></p:a>');
    const b = child(root, 0);
    expect(root.ns).toBe("urn:one");
    expect(b.ns).toBe("urn:two");
    expect(child(b).ns).toBe("urn:two");
    expect(child(root, 1).ns).toBe("urn:one");
    expect(b.scope.get("p")).toBe("urn:two");
    expect(root.scope.get("p")).toBe("urn:one");
  });

  it("treats one namespace under two prefixes as the same namespace", () => {
    const root = readXml('<a:r xmlns:a="urn:x" xmlns:b="urn:x"><b:c a:k="1"/></a:r>');
    const c = child(root);
    expect(c).toMatchObject({ ns: "urn:x", local: "c", prefix: "b" });
    expect(c.attrs[0]).toEqual({ ns: "urn:x", local: "k", prefix: "a", value: "1" });
  });

  it("undeclares the default namespace with xmlns=''", () => {
    const root = readXml('<r xmlns="urn:d"><c xmlns=""><e/></c></r>');
    expect(child(child(root))).toMatchObject({ ns: "", local: "e" });
    expect(child(root).scope.has("")).toBe(false);
  });

  it("predeclares xml:", () => {
    const root = readXml('<r xml:lang="en"/>');
    expect(root.attrs[0]).toEqual({ ns: XML_NS, local: "lang", prefix: "xml", value: "en" });
  });

  it("shares the parent's scope map when an element declares nothing", () => {
    const root = readXml('<r xmlns:p="urn:p"><c/></r>');
    expect(child(root).scope).toBe(root.scope);
  });

  it("keeps the scope needed to resolve QName values such as xsi:type", () => {
    const root = readXml(
      '<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ei="urn:ei"><v xsi:type="ei:T"/></r>',
    );
    const v = child(root);
    const [prefix] = (v.attrs[0]?.value ?? "").split(":");
    expect(v.scope.get(prefix ?? "")).toBe("urn:ei");
  });

  it.each([
    ["undeclared element prefix", "<a><b><p:c/></b></a>", "/a/b/c"],
    ["undeclared attribute prefix", '<a><b/><b><c p:x="1"/></b></a>', "/a/b[2]/c"],
    ["prefix undeclaration", '<a xmlns:p="urn:p"><b xmlns:p=""/></a>', "/a/b"],
    ["binding xml to another URI", '<a xmlns:xml="urn:other"/>', "/a"],
    ["binding the xmlns prefix", '<a xmlns:xmlns="urn:x"/>', "/a"],
    ["duplicate expanded attribute", '<a xmlns:p="urn:u" xmlns:q="urn:u" p:x="1" q:x="2"/>', "/a"],
    ["two colons", '<a xmlns:p="urn:p"><p:b:c/></a>', "/a/b:c"],
    [
      "duplicate expanded attribute among many",
      `<a xmlns:p="urn:u" xmlns:q="urn:u"${Array.from({ length: 20 }, (_, i) => ` p:x${i}="1"`).join("")} q:x7="2"/>`,
      "/a",
    ],
  ])("rejects %s with a path", (_, xml, path) => {
    const e = thrown(() => readXml(xml));
    expect(e.code).toBe("namespace");
    expect(e.path).toBe(path);
  });
});

describe("readXml: text and attribute values", () => {
  it("decodes the predefined entities and character references", () => {
    const root = readXml('<r a="&lt;&amp;&quot;&apos;&gt;">&lt;&#65;&#x42;&#x1F600;&gt;</r>');
    expect(root.attrs[0]?.value).toBe("<&\"'>");
    expect(texts(root)).toEqual(["<AB\u{1F600}>"]);
  });

  it("normalizes literal whitespace in attributes but keeps character references", () => {
    const root = readXml('<r a="x\ty\nz&#10;&#9;"/>');
    expect(root.attrs[0]?.value).toBe("x y z\n\t");
  });

  it("normalizes line ends in text", () => {
    expect(texts(readXml("<r>a\r\nb\rc&#13;</r>"))).toEqual(["a\nb\nc\r"]);
  });

  it("keeps whitespace-only text and does not trim", () => {
    const root = readXml("<r>\n  <c> x </c>\n</r>");
    expect(texts(root)).toEqual(["\n  ", "\n"]);
    expect(texts(child(root))).toEqual([" x "]);
  });

  it("keeps CDATA verbatim and flags text that is only CDATA", () => {
    const root = readXml("<r><a><![CDATA[<b>&amp;</b>]]></a><c>x<![CDATA[<y>]]></c></r>");
    expect(child(root, 0).children).toEqual([{ text: "<b>&amp;</b>", cdata: true }]);
    expect(child(root, 1).children).toEqual([{ text: "x<y>" }]);
  });

  it("drops comments and processing instructions and merges the text around them", () => {
    const root = readXml(
      '<?xml version="1.0"?><!--c--><?pi a?><r>a<!-- c -->b<?pi x?>c<e/>d</r><!--t-->',
    );
    expect(root.children).toEqual([
      { text: "abc" },
      expect.objectContaining({ local: "e" }),
      { text: "d" },
    ]);
  });

  it("does not coerce values", () => {
    const root = readXml('<r n="007">0012</r>');
    expect(root.attrs[0]?.value).toBe("007");
    expect(texts(root)).toEqual(["0012"]);
  });

  it("reads element names that are JavaScript prototype properties", () => {
    const root = readXml(
      "<constructor><__proto__/><prototype/><toString/><hasOwnProperty/></constructor>",
    );
    expect([root.local, ...elements(root).map((e) => e.local)]).toEqual([
      "constructor",
      "__proto__",
      "prototype",
      "toString",
      "hasOwnProperty",
    ]);
  });
});

describe("readXml: names and start tags", () => {
  it("accepts whitespace around '=', either quote and '>' inside values", () => {
    const root = readXml('<r\n  a = "1"\tb=\'x>"y\'\n/>');
    expect(root.attrs.map((a) => [a.local, a.value])).toEqual([
      ["a", "1"],
      ["b", 'x>"y'],
    ]);
  });

  it("accepts whitespace before '>' of an end tag", () => {
    expect(readXml("<r><c></c \n></r >").children).toHaveLength(1);
  });

  it("accepts names from the whole XML 1.0 Name production", () => {
    const root = readXml('<中文 a-b.c="1" _d="2" é·\u0301="3"><\u{10000}/><x.y-z9/></中文>');
    expect(root.local).toBe("中文");
    expect(root.attrs.map((a) => a.local)).toEqual(["a-b.c", "_d", "é·\u0301"]);
    expect(elements(root).map((e) => e.local)).toEqual(["\u{10000}", "x.y-z9"]);
  });

  it("accepts many distinct attributes", () => {
    const attrs = Array.from({ length: 40 }, (_, i) => ` a${i}="${i}"`).join("");
    expect(readXml(`<r${attrs}/>`).attrs).toHaveLength(40);
  });

  it("merges text across comments, processing instructions and CDATA", () => {
    const root = readXml("<r>a<!--x-->b<?p?><![CDATA[c]]><![CDATA[]]>d</r>");
    expect(root.children).toEqual([{ text: "abcd" }]);
  });
});

describe("readXml: encodings", () => {
  const xml = '<?xml version="1.0" encoding="UTF-16"?><r a="é">Grüße €</r>';

  it("decodes UTF-16BE with a byte order mark", () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(xml, "utf16le").swap16()]);
    const root = readXml(new Uint8Array(bytes));
    expect(root.attrs[0]?.value).toBe("é");
    expect(texts(root)).toEqual(["Grüße €"]);
  });

  it("decodes UTF-16LE with a byte order mark", () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, "utf16le")]);
    expect(texts(readXml(bytes))).toEqual(["Grüße €"]);
  });

  it("decodes UTF-8 with and without a byte order mark", () => {
    const body = Buffer.from("<r>Grüße €</r>", "utf8");
    expect(texts(readXml(body))).toEqual(["Grüße €"]);
    expect(texts(readXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body])))).toEqual([
      "Grüße €",
    ]);
  });

  it("decodes ISO-8859-1 from the declaration (true Latin-1, not windows-1252)", () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><r>caf', "latin1"),
      Buffer.from([0xe9, 0x80]),
      Buffer.from("</r>", "latin1"),
    ]);
    expect(texts(readXml(bytes))).toEqual(["café\u0080"]);
  });

  it("accepts latin1 and us-ascii labels", () => {
    expect(
      texts(readXml(Buffer.from("<?xml version='1.0' encoding='latin1'?><r>\xe9</r>", "latin1"))),
    ).toEqual(["é"]);
    expect(
      texts(readXml(Buffer.from('<?xml version="1.0" encoding="US-ASCII"?><r>a</r>'))),
    ).toEqual(["a"]);
  });

  it("ignores the declared encoding of string input", () => {
    expect(texts(readXml('<?xml version="1.0" encoding="ISO-8859-1"?><r>é</r>'))).toEqual(["é"]);
  });

  it.each([
    ["an unknown encoding", Buffer.from('<?xml version="1.0" encoding="EBCDIC-XX"?><r/>')],
    [
      "a non-ASCII byte in US-ASCII",
      Buffer.from('<?xml version="1.0" encoding="us-ascii"?><r>\xe9</r>', "latin1"),
    ],
    [
      "UTF-16 declared without a byte order mark",
      Buffer.from('<?xml version="1.0" encoding="UTF-16"?><r/>'),
    ],
    [
      "a UTF-8 byte order mark with a Latin-1 declaration",
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('<?xml version="1.0" encoding="latin1"?><r/>'),
      ]),
    ],
    ["UTF-32", Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x3c])],
    [
      "an odd number of UTF-16 bytes",
      Buffer.from([0xfe, 0xff, 0, 0x3c, 0, 0x72, 0, 0x2f, 0, 0x3e, 0]),
    ],
  ])("rejects %s", (_, bytes) => {
    expect(thrown(() => readXml(bytes)).code).toBe("encoding");
  });
});

describe("readXml: errors", () => {
  it("reports XPath-like paths with [n] only for repeated names", () => {
    const e = thrown(() => readXml("<a><b/><c><d/></c><b><d>&bad;</d></b></a>"));
    expect(e).toMatchObject({ code: "malformed", path: "/a/b[2]/d" });
  });

  it("reports the line and column of lexical errors", () => {
    const e = thrown(() => readXml("<a>\n  <b></c>\n</a>"));
    expect(e).toMatchObject({ code: "malformed", path: "/a/b", line: 2, column: 6 });
    expect(e.message).toContain("line 2, column 6");
  });

  it("reports start-tag errors as malformed with a position", () => {
    const e = thrown(() => readXml('<a>\n<b x="1" x="2"/></a>'));
    expect(e).toMatchObject({ code: "malformed", path: "/a/b", line: 2 });
  });

  it("counts following siblings too in the path of a namespace or reference error", () => {
    expect(thrown(() => readXml("<a><b><p:c/></b><b/></a>"))).toMatchObject({
      code: "namespace",
      path: "/a/b[1]/c",
    });
    expect(thrown(() => readXml('<a><b/><b x="&bad;"/></a>'))).toMatchObject({
      code: "malformed",
      path: "/a/b[2]/@x",
      line: 1,
      column: 14,
    });
  });

  it("reports the position of a bad reference in text", () => {
    expect(thrown(() => readXml("<a>\n x &bad; </a>"))).toMatchObject({ line: 2, column: 4 });
  });

  it("reports a well-formedness error before an earlier namespace or reference error", () => {
    expect(thrown(() => readXml("<a><p:b/><c></a>")).code).toBe("malformed");
    expect(thrown(() => readXml("<a>&bad;<c a='1' a='2'/></a>")).message).toContain("twice");
  });

  it("applies custom limits", () => {
    expect(thrown(() => readXml("<a><b/><b/></a>", { maxElements: 2 })).code).toBe("limit");
    expect(thrown(() => readXml('<a x="1" y="2"/>', { maxAttributes: 1 })).code).toBe("limit");
    expect(thrown(() => readXml('<a x="12345"/>', { maxAttributeLength: 4 })).code).toBe("limit");
    expect(thrown(() => readXml("<a><b/></a>", { maxDepth: 1 })).code).toBe("too-deep");
    expect(thrown(() => readXml("<a/>", { maxBytes: 3 })).code).toBe("too-large");
    expect(readXml("<a><b/></a>", { maxDepth: 2 }).local).toBe("a");
  });
});

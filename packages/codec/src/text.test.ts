import { describe, expect, it } from "vitest";
import { CodecError } from "./errors.js";
import { decodeText, sniffFormat } from "./text.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const utf16 = (s: string, bigEndian = false) => {
  const out = new Uint8Array(2 + s.length * 2);
  out.set(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + 2 * i + (bigEndian ? 1 : 0)] = c & 0xff;
    out[2 + 2 * i + (bigEndian ? 0 : 1)] = c >> 8;
  }
  return out;
};
const issueOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e.issues[0];
    throw e;
  }
  throw new Error("no CodecError");
};

describe("sniffFormat", () => {
  it("tells XML from JSON after a byte order mark and white space, in the mark's encoding", () => {
    expect(sniffFormat(utf8(" \r\n\t<a/>"))).toBe("xml");
    expect(sniffFormat(utf8('\uFEFF {"a":1}'))).toBe("json");
    expect(sniffFormat(utf16(" <a/>"))).toBe("xml");
    expect(sniffFormat(utf16("{}", true))).toBe("json");
    expect(sniffFormat(new Uint8Array([0x3c, 0, 0x3f, 0]))).toBe("xml");
    expect(sniffFormat(" \uFEFF<a/>")).toBe("xml");
  });

  it("is undefined for anything else", () => {
    expect(sniffFormat(utf8("hello"))).toBeUndefined();
    expect(sniffFormat(new Uint8Array())).toBeUndefined();
    expect(sniffFormat("  ")).toBeUndefined();
    expect(sniffFormat(utf16("x"))).toBeUndefined();
  });
});

describe("decodeText", () => {
  it("decodes XML by its byte order mark and declaration, JSON as UTF-8", () => {
    expect(decodeText(utf8('{"a":"é"}'))).toEqual({ format: "json", text: '{"a":"é"}' });
    expect(decodeText(utf8('\uFEFF{"a":1}')).text).toBe('{"a":1}');
    const latin1 = new Uint8Array([
      ...utf8('<?xml version="1.0" encoding="ISO-8859-1"?><a>'),
      0xe9,
      ...utf8("</a>"),
    ]);
    expect(decodeText(latin1)).toEqual({
      format: "xml",
      text: '<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>',
    });
    expect(decodeText(utf16("<a>é</a>")).text).toBe("<a>é</a>");
  });

  it("refuses invalid UTF-8 JSON naming the byte and its offset, never patching it", () => {
    const bad = new Uint8Array([...utf8('{"a":"'), 0xc3, 0x28, ...utf8('"}')]);
    expect(issueOf(() => decodeText(bad))).toEqual({
      code: "bad-json",
      path: "",
      message: "JSON must be UTF-8 (RFC 8259): byte 0xc3 at offset 6 is not valid UTF-8",
    });
    // a surrogate encoded in UTF-8 (CESU) is not UTF-8 either
    const surrogate = new Uint8Array([...utf8('{"a":"'), 0xed, 0xa0, 0x80, ...utf8('"}')]);
    expect(issueOf(() => decodeText(surrogate))?.message).toMatch(/byte 0xed at offset 6/);
  });

  it("refuses UTF-16 JSON, bad XML encodings, and input that is neither", () => {
    expect(issueOf(() => decodeText(utf16('{"a":1}')))?.message).toMatch(
      /JSON must be UTF-8 \(RFC 8259\), but the input is UTF-16/,
    );
    expect(issueOf(() => decodeText(utf8('<?xml version="1.0" encoding="KOI8-R"?><a/>')))).toEqual(
      expect.objectContaining({
        code: "xml",
        message: expect.stringMatching(/unsupported encoding "KOI8-R"/),
      }),
    );
    expect(
      issueOf(() => decodeText(new Uint8Array([...utf8("<a>"), 0xff, ...utf8("</a>")])))?.code,
    ).toBe("xml");
    expect(issueOf(() => decodeText(utf8("hello")))?.message).toBe(
      'neither XML nor JSON: starts with "h", expected "<" or "{"',
    );
    expect(issueOf(() => decodeText(new Uint8Array()))?.message).toBe("empty input");
  });
});

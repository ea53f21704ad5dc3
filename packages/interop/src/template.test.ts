// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario templates write variables as ${name}
import { describe, expect, it } from "vitest";
import {
  capture,
  jsonPointer,
  payloadName,
  renderXml,
  substitute,
  substituteJson,
  TemplateError,
  Variables,
} from "./template.js";

const NS = 'xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="e" xmlns:pyld="p"';
const distribute = `<oadr:oadrPayload ${NS}><oadr:oadrSignedObject><oadr:oadrDistributeEvent>
  <ei:eiResponse><ei:responseCode>200</ei:responseCode><pyld:requestID>echoed</pyld:requestID></ei:eiResponse>
  <pyld:requestID>own</pyld:requestID>
  <oadr:oadrEvent><ei:eiEvent><ei:eventDescriptor><ei:eventID>e-1</ei:eventID><ei:modificationNumber>3</ei:modificationNumber></ei:eventDescriptor></ei:eiEvent></oadr:oadrEvent>
  <oadr:oadrEvent><ei:eiEvent><ei:eventDescriptor><ei:eventID>e-2</ei:eventID></ei:eventDescriptor></ei:eiEvent></oadr:oadrEvent>
</oadr:oadrDistributeEvent></oadr:oadrSignedObject></oadr:oadrPayload>`;

describe("templates", () => {
  it("substitutes variables, XML-escaped in XML", () => {
    const v = new Variables({ name: `a<b & "c"` });
    expect(renderXml("<n>${name}</n>", v)).toBe("<n>a&lt;b &amp; &quot;c&quot;</n>");
    expect(substitute("/admin/vens/${name}", v, encodeURIComponent)).toBe(
      "/admin/vens/a%3Cb%20%26%20%22c%22",
    );
    expect(substituteJson({ k: ["${name}", 1, { x: "${name}" }] }, v)).toEqual({
      k: [`a<b & "c"`, 1, { x: `a<b & "c"` }],
    });
  });

  it("defines now, uuid and a counter n", () => {
    const v = new Variables();
    const [now, uuid, n1, n2] = substitute("${now}|${uuid}|${n}|${n}", v).split("|");
    expect(Number.isNaN(Date.parse(now as string))).toBe(false);
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect([n1, n2]).toEqual(["1", "2"]);
  });

  it("refuses a variable no step defined, naming it", () => {
    expect(() => renderXml("<x>${venID}</x>", new Variables())).toThrow(TemplateError);
    expect(() => renderXml("<x>${venID}</x>", new Variables())).toThrow(
      /\$\{venID\} is not defined/,
    );
  });
});

describe("captures", () => {
  it("finds the nearest element of a path, or the n-th", () => {
    expect(payloadName(distribute)).toBe("oadrDistributeEvent");
    // the payload's own requestID, not the one its eiResponse echoes
    expect(capture(distribute, "requestID")).toBe("own");
    expect(capture(distribute, "eiResponse/requestID")).toBe("echoed");
    expect(capture(distribute, "oadrEvent/eiEvent/eventDescriptor/eventID")).toBe("e-1");
    expect(capture(distribute, "oadrEvent/1/eventID")).toBe("e-2");
    expect(capture(distribute, "oadrEvent/0/modificationNumber")).toBe("3");
    expect(capture(distribute, "oadrEvent/2/eventID")).toBeUndefined();
    expect(capture("not xml", "x")).toBeUndefined();
    expect(payloadName("")).toBeUndefined();
    expect(payloadName('{"pyld:eiCreateTender": {"pyld:requestID": "r"}}')).toBe("eiCreateTender");
    expect(payloadName('{"a": 1, "b": 2}')).toBeUndefined();
    expect(payloadName("{ not json")).toBeUndefined();
  });

  it("reads JSON pointers", () => {
    const v = { a: [{ "b/c": 1 }], d: { "~e": null } };
    expect(jsonPointer(v, "/a/0/b~1c")).toBe(1);
    expect(jsonPointer(v, "/d/~0e")).toBeNull();
    expect(jsonPointer(v, "/x/y")).toBeUndefined();
    expect(jsonPointer(v, "")).toBe(v);
  });
});

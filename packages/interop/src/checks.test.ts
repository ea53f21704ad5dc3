import { describe, expect, it } from "vitest";
import { type CheckContext, checkExchange, checkMessage } from "./checks.js";
import { Transcript } from "./transcript.js";
import type { Scenario } from "./types.js";

const NS =
  'xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"';
const wrap = (inner: string) =>
  `<oadr:oadrPayload ${NS}><oadr:oadrSignedObject>${inner}</oadr:oadrSignedObject></oadr:oadrPayload>`;
const query = (id: string) =>
  wrap(
    `<oadr:oadrQueryRegistration><pyld:requestID>${id}</pyld:requestID></oadr:oadrQueryRegistration>`,
  );
const created = (id: string, code = "200") =>
  wrap(
    `<oadr:oadrCreatedPartyRegistration><ei:eiResponse><ei:responseCode>${code}</ei:responseCode><pyld:requestID>${id}</pyld:requestID></ei:eiResponse></oadr:oadrCreatedPartyRegistration>`,
  );
const scenario = { name: "s", profile: "openadr2b" } as Scenario;
const ctx = (extra: Partial<CheckContext> = {}): CheckContext => ({
  scenario,
  signed: false,
  step: "q",
  ...extra,
});
function pair(request: string, response: string) {
  const t = new Transcript();
  const a = t.add({ from: "ven", to: "vtn", direction: "request", http: {}, body: request });
  const b = t.add({
    from: "vtn",
    to: "ven",
    direction: "response",
    inReplyTo: 1,
    http: { status: 200 },
    body: response,
  });
  return [a, b] as const;
}

describe("the first checks", () => {
  it("pass an answer of the expected type and code that echoes the requestID", () => {
    const [a, b] = pair(query("r-1"), created("r-1"));
    const results = checkExchange(
      a,
      b,
      ctx({ expect: { payload: "oadrCreatedPartyRegistration" } }),
    );
    expect(results.map((r) => [r.rule, r.ok])).toEqual([
      ["expected-response", true],
      ["request-id-echo", true],
    ]);
  });

  it("fail a wrong requestID, an empty one, a wrong payload and a wrong code", () => {
    let [a, b] = pair(query("r-1"), created("r-2"));
    expect(checkExchange(a, b, ctx())).toEqual([
      expect.objectContaining({
        rule: "request-id-echo",
        ok: false,
        message: expect.stringContaining('answers requestID "r-1" with "r-2"'),
      }),
    ]);
    [a, b] = pair(query(""), created(""));
    expect(checkExchange(a, b, ctx())[0]?.message).toContain("has an empty requestID");
    [a, b] = pair(query("r-1"), created("r-1", "463"));
    const r = checkExchange(a, b, ctx({ expect: { payload: "oadrResponse" } }));
    expect(r[0]).toMatchObject({
      ok: false,
      message: expect.stringContaining("should be answered with oadrResponse"),
    });
    expect(
      checkExchange(a, b, ctx({ expect: { payload: "oadrCreatedPartyRegistration" } }))[0]?.message,
    ).toContain("whose responseCode is 463; expected 200");
  });

  it("report a peer that did not answer the proxy as a transport failure", () => {
    const t = new Transcript();
    const e = t.add({
      from: "vtn",
      to: "ven",
      direction: "response",
      inReplyTo: 1,
      http: { status: 502 },
      body: "interop proxy: the vtn did not answer: connect ECONNREFUSED\n",
    });
    expect(checkMessage(e, ctx())).toEqual([
      expect.objectContaining({
        rule: "transport",
        ok: false,
        message: "#1: the vtn did not answer: connect ECONNREFUSED",
      }),
    ]);
  });

  it("fail a message that is not XML, and an unsigned one in a signed run", () => {
    const [a] = pair("{}", "");
    expect(checkMessage(a, ctx())[0]).toMatchObject({ rule: "payload", ok: false });
    const [b] = pair(query("r-1"), "");
    expect(checkMessage(b, ctx())).toEqual([]);
    expect(checkMessage(b, ctx({ signed: true, trust: [] }))[0]).toMatchObject({
      rule: "signature",
      ok: false,
      message: expect.stringContaining("must carry a valid XML Signature"),
    });
  });
});

// biome-ignore-all lint/suspicious/noExplicitAny: the tests read decoded JSON responses loosely
import { readFileSync } from "node:fs";
import { decodeXml, encodeXml, fromJson, validate } from "@transactive/codec";
import { describe, expect, it } from "vitest";
import { OPERATIONS, SERVICES } from "./catalog.js";
import { createReferenceDispatcher } from "./reference.js";
import { registry } from "./registry.js";
import type { ReferenceMarket } from "./services/cts/index.js";
import type { ReferenceVtn } from "./services/vtn/index.js";

const root = new URL("../../../", import.meta.url);
const clock = () => new Date("2026-09-01T12:00:00Z");
const oadr = (inner: string, value: object) =>
  JSON.stringify({
    $profile: "openadr2b",
    "oadr:oadrPayload": {
      oadrSignedObject: { [inner]: { "@ei:schemaVersion": "2.0b", ...value } },
    },
  });
/** The message inside an OpenADR 2.0b JSON response. */
function inner(body: string): [string, Record<string, any>] {
  const signed = JSON.parse(body)["oadr:oadrPayload"].oadrSignedObject as Record<string, any>;
  const [name, value] = Object.entries(signed)[0] as [string, Record<string, any>];
  return [name, value];
}
const cts = (element: string, value: object) =>
  JSON.stringify({ $profile: "cts", [element]: value });
const ctsBody = (body: string, element: string) => JSON.parse(body)[element] as Record<string, any>;

const product = (state = "tender") => ({
  dtStart: { dateTime: "2026-09-01T14:00:00Z" },
  duration: "PT1H",
  temixPower: { price: { value: "0.1250" }, quantity: 5 },
  uid: "product-1",
  transactiveState: state,
  marketContext: "http://market.example.com/cts/hourly",
  side: "sell",
});

describe("catalog", () => {
  it("names request and response elements that exist in each listed profile", () => {
    for (const op of OPERATIONS)
      for (const profile of op.profiles)
        for (const element of [op.request, op.response, ...(op.alsoResponds ?? [])].filter(
          (e): e is string => e !== null,
        ))
          expect(
            registry.profiles.get(profile)?.elements.has(element),
            `${op.service}.${op.operation}: ${element} in ${profile}`,
          ).toBe(true);
  });
  it("lists every oadr request/response message of OpenADR 2.0b and every CTS payload", () => {
    const named = new Set(
      OPERATIONS.flatMap((o) => [o.request, o.response, ...(o.alsoResponds ?? [])]),
    );
    const b = registry.profiles.get("openadr2b") as unknown as { elements: Map<string, unknown> };
    const messages = [...b.elements.keys()].filter((e) =>
      /^oadr:oadr((Create|Created|Cancel|Canceled|Register|Registered|Update|Updated|Request|Distribute|Query)(Event|Opt|Report|PartyRegistration|Reregistration|Registration)|Poll|Response)$/.test(
        e,
      ),
    );
    const c = registry.profiles.get("cts") as unknown as { elements: Map<string, unknown> };
    const payloads = [...c.elements.keys()].filter((e) => /^pyld:ei/.test(e));
    expect(messages.length).toBeGreaterThan(20);
    for (const m of [...messages, ...payloads]) expect(named.has(m), m).toBe(true);
  });
  it("marks services no profile carries as unsupported", () => {
    for (const s of SERVICES.filter((x) => x.profiles.length === 0))
      expect(
        OPERATIONS.filter((o) => o.service === s.name).every((o) => o.support === "unsupported"),
      ).toBe(true);
  });
});

describe("dispatcher (CTS reference market)", () => {
  it("creates a tender from XML and answers in XML; a second create of the same ID fails per item", async () => {
    const d = createReferenceDispatcher({ profile: "cts", clock });
    const xml = readFileSync(new URL("examples/cts-create-tender.xml", root));
    const first = await d.dispatch({ body: xml, service: "EiTender" });
    expect(first.status).toBe(200);
    expect(first.contentType).toBe("application/xml");
    const doc = decodeXml(registry, first.body);
    expect(doc.element).toBe("pyld:eiCreatedTender");
    expect(validate(registry, doc)).toEqual([]);
    expect(doc.value).toMatchObject({
      eiResponse: { responseCode: "200", refID: "req-cts-0001" },
      tenderID: ["tender-2026-09-01-14"],
    });
    const again = decodeXml(registry, (await d.dispatch({ body: xml })).body).value as any;
    expect(again.eiResponse.responseCode).toBe("409");
    expect(again.eiResponse.responseDescription).toContain("/eiCreateTender/eiTender[0]/tenderID");
    expect(again.tenderID).toBeUndefined();
  });

  it("cancels a tender until it becomes a transaction, never after", async () => {
    const d = createReferenceDispatcher({ profile: "cts", clock });
    const create = (id: string) =>
      d.dispatch({
        body: cts("pyld:eiCreateTender", {
          requestID: `c-${id}`,
          partyID: "seller",
          counterPartyID: "market",
          eiTender: [{ tenderID: id, product: product() }],
        }),
      });
    await create("t1");
    await create("t2");
    const txn = await d.dispatch({
      body: cts("pyld:eiCreateTransaction", {
        requestID: "x1",
        partyID: "market",
        counterPartyID: "seller",
        eiTransaction: [{ transactionID: "tx1", tenderID: "t1", product: product("transaction") }],
      }),
    });
    expect(ctsBody(txn.body, "pyld:eiCreatedTransaction")).toMatchObject({
      eiResponse: { responseCode: "200" },
      transactionID: ["tx1"],
    });
    const cancel = await d.dispatch({
      body: cts("pyld:eiCancelTender", {
        requestID: "k1",
        partyID: "seller",
        tenderID: ["t1", "t2"],
      }),
    });
    const r = ctsBody(cancel.body, "pyld:eiCanceledTender").eiResponse;
    expect(r.responseCode).toBe("409");
    expect(r.responseDescription).toMatch(
      /1 of 2 failed \(1 accepted\): t1: .*became transaction tx1/,
    );
    // t2 was cancelled: it can no longer be transacted
    const late = await d.dispatch({
      body: cts("pyld:eiCreateTransaction", {
        requestID: "x2",
        partyID: "market",
        counterPartyID: "seller",
        eiTransaction: [{ transactionID: "tx2", tenderID: "t2", product: product("transaction") }],
      }),
    });
    expect(
      ctsBody(late.body, "pyld:eiCreatedTransaction").eiResponse.responseDescription,
    ).toContain("tender t2 was cancelled");
    const reply = await d.dispatch({
      body: cts("pyld:eiRequestTender", {
        requestID: "q",
        partyID: "buyer",
        requestorPartyID: "buyer",
      }),
    });
    expect(ctsBody(reply.body, "pyld:eiReplyTender").eiTender).toBeUndefined();
  });

  it("registers parties, refuses unregistered tenderers when configured, cancels registrations per item", async () => {
    const d = createReferenceDispatcher({ profile: "cts", clock, requireRegistration: true });
    const tender = cts("pyld:eiCreateTender", {
      requestID: "c",
      partyID: "p1",
      counterPartyID: "market",
      eiTender: [{ tenderID: "t", product: product() }],
    });
    expect(
      ctsBody((await d.dispatch({ body: tender })).body, "pyld:eiCreatedTender").eiResponse
        .responseCode,
    ).toBe("403");
    // on the wire, eiRegistrationInfo is abstract with no CTS extension: refused as invalid
    const wire = await d.dispatch({
      body: cts("pyld:eiCreatePartyRegistration", {
        requestID: "r",
        registreePartyID: "p1",
        eiRegistrationInfo: {},
      }),
    });
    expect(
      ctsBody(wire.body, "pyld:eiCreatedPartyRegistration").eiResponse.responseDescription,
    ).toContain("abstract");
    const market = d.reference as ReferenceMarket;
    const context = { profile: "cts" as const, requestID: "r", now: () => "2026-09-01T12:00:00Z" };
    const reg = await market.EiRegisterParty.createPartyRegistration(
      { requestID: "r", registreePartyID: "p1", eiRegistrationInfo: {} },
      context,
    );
    expect(reg.eiResponse.responseCode, JSON.stringify(reg)).toBe("200");
    const again = await market.EiRegisterParty.createPartyRegistration(
      { requestID: "r2", registreePartyID: "p1", eiRegistrationInfo: {} },
      context,
    );
    expect(again.eiResponse.responseCode).toBe("409");
    expect(
      ctsBody((await d.dispatch({ body: tender })).body, "pyld:eiCreatedTender").eiResponse
        .responseCode,
    ).toBe("200");
    const cancel = ctsBody(
      (
        await d.dispatch({
          body: cts("pyld:eiCancelPartyRegistration", {
            requestID: "k",
            registreePartyID: "p1",
            registrarPartyID: "market",
            registrationID: [reg.registrationID, "nope"],
          }),
        })
      ).body,
      "pyld:eiCanceledPartyRegistration",
    );
    expect(cancel.eiResponse.map((e: any) => e.responseCode)).toEqual(["200", "404"]);
  });

  it("reads and answers the CTS REST JSON form", async () => {
    const d = createReferenceDispatcher({ profile: "cts", clock });
    const body = JSON.stringify({
      "pyld:eiCreateTender": {
        "@xmlns:pyld": "http://docs.oasis-open.org/ns/energyinterop/201110/payloads/cts.04",
        "pyld:requestID": { $: "rest-1" },
        "ei:partyID": "p",
        "ei:counterPartyID": "c",
        "ei:eiTender": [
          {
            "ei:tenderID": "t9",
            "emix:product": {
              "emix:side": "buy",
              "emix:uid": "u",
              "emix:transactiveState": "tender",
              "emix:marketContext": "http://m",
              "power:temixPower": { "emix:quantity": 3 },
            },
          },
        ],
      },
    });
    const res = await d.dispatch({ body, contentType: "application/json" });
    expect(res.contentType).toBe("application/json");
    expect(JSON.parse(res.body)).toEqual({
      "pyld:eiCreatedTender": {
        "ei:eiResponse": {
          "ei:responseCode": "200",
          "ei:responseDescription": "OK",
          "ei:refID": "rest-1",
          "ei:createdDateTime": "2026-09-01T12:00:00Z",
        },
        "ei:partyID": "p",
        "ei:counterPartyID": "c",
        "ei:tenderID": ["t9"],
      },
    });
  });

  it("reads body bytes with the codec's byte decoder: declared ISO-8859-1, UTF-16 with a byte order mark", async () => {
    const d = createReferenceDispatcher({ profile: "openadr2b", clock });
    const xml = encodeXml(
      registry,
      fromJson(registry, oadr("oadrQueryRegistration", { requestID: "réq-é" })),
    ).replace(/^<\?xml[^>]*\?>\s*/, "");
    const latin1 = Uint8Array.from(`<?xml version="1.0" encoding="ISO-8859-1"?>\n${xml}`, (c) =>
      c.charCodeAt(0),
    );
    const utf16 = new Uint8Array(2 + xml.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < xml.length; i++) {
      utf16[2 + 2 * i] = xml.charCodeAt(i) & 0xff;
      utf16[3 + 2 * i] = xml.charCodeAt(i) >> 8;
    }
    for (const body of [latin1, utf16]) {
      const res = await d.dispatch({ body });
      expect(res.status).toBe(200);
      expect(res.body).toContain("<pyld:requestID>réq-é</pyld:requestID>");
    }
    // the first OpenADR message builds the codec's plans and validators: slow on a loaded machine
  }, 60_000);

  it("refuses bytes that are not text in their encoding, never patching them with U+FFFD", async () => {
    const d = createReferenceDispatcher({ profile: "openadr2b", clock });
    const json = new TextEncoder().encode(oadr("oadrQueryRegistration", { requestID: "r-1" }));
    const at = json.indexOf(0x72); // the "r" of "requestID": made an invalid byte
    const bad = json.slice();
    bad[at] = 0xff;
    const res = await d.dispatch({ body: bad, contentType: "application/json" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({
      code: "bad-encoding",
      message: `JSON must be UTF-8 (RFC 8259): byte 0xff at offset ${at} is not valid UTF-8`,
    });
    const koi8 = await d.dispatch({
      body: new TextEncoder().encode('<?xml version="1.0" encoding="KOI8-R"?><a/>'),
    });
    expect(koi8.status).toBe(400);
    expect(koi8.body).toContain("unsupported encoding &quot;KOI8-R&quot;");
    const badUtf8Xml = await d.dispatch({
      body: Uint8Array.from([
        ...new TextEncoder().encode("<a>"),
        0xc3,
        0x28,
        0x3c,
        0x2f,
        0x61,
        0x3e,
      ]),
    });
    expect(badUtf8Xml.status).toBe(400);
    expect(badUtf8Xml.body).toContain("not valid UTF-8");
  });

  it("prepares once, and reports its body limit", () => {
    const d = createReferenceDispatcher({ profile: "cts", maxBytes: 4096 });
    expect(d.maxBytes).toBe(4096);
    expect(() => {
      d.prepare?.();
      d.prepare?.();
    }).not.toThrow();
    expect(createReferenceDispatcher().maxBytes).toBe(1024 * 1024);
  });

  it("answers bad input with clear errors, never a throw", async () => {
    const d = createReferenceDispatcher({ profile: "cts", maxBytes: 2000 });
    const cases: [string, number, string][] = [
      ["<a", 400, "unclosed"],
      ["<foo xmlns='urn:x'/>", 400, "{urn:x}foo"],
      ["hello", 400, "neither XML"],
      [`<x>${"a".repeat(3000)}</x>`, 413, "exceeds the limit of 2000"],
      ['{"pyld:eiCreateAvail":{"pyld:requestID":"r"}}', 501, "not supported"],
    ];
    for (const [body, status, text] of cases) {
      const res = await d.dispatch({ body });
      expect(res.status, body.slice(0, 30)).toBe(status);
      expect(res.body).toContain(text);
    }
    const big = createReferenceDispatcher({ profile: "cts" });
    const xmlOadr = await big.dispatch({
      body: readFileSync(new URL("examples/openadr2b-distribute-event.xml", root)),
    });
    expect(xmlOadr.status).toBe(400);
    expect(xmlOadr.body).toContain("this endpoint serves profile cts");
    const wrong = await big.dispatch({
      body: readFileSync(new URL("examples/cts-create-tender.xml", root)),
      service: "EiQuote",
    });
    expect(decodeXml(registry, wrong.body).value).toMatchObject({
      eiResponse: { responseCode: "405" },
    });
    const notSupported = await d.dispatch({ body: "<x/>", service: "EiAvail" });
    expect(notSupported.status).toBe(501);
    expect(notSupported.body).toContain("EiAvail is defined by Energy Interoperation 1.0");
    const invalid = await d.dispatch({
      body: cts("pyld:eiCancelTender", { requestID: "r", partyID: "p" }),
    });
    expect(ctsBody(invalid.body, "pyld:eiCanceledTender").eiResponse).toMatchObject({
      responseCode: "400",
      refID: "r",
    });
  });
});

describe("dispatcher (OpenADR 2.0b reference VTN)", () => {
  const event = () => {
    const doc = fromJson(
      registry,
      readFileSync(new URL("examples/openadr2b-distribute-event.json", root), "utf8"),
    );
    return (doc.value as any).oadrSignedObject.oadrDistributeEvent.oadrEvent[0];
  };
  async function registered() {
    const d = createReferenceDispatcher({ clock });
    const vtn = d.reference as ReferenceVtn;
    const [name, reg] = inner(
      (
        await d.dispatch({
          body: oadr("oadrCreatePartyRegistration", {
            requestID: "r1",
            oadrProfileName: "2.0b",
            oadrTransportName: "simpleHttp",
            oadrReportOnly: false,
            oadrXmlSignature: false,
            oadrHttpPullModel: true,
          }),
          service: "EiRegisterParty",
        })
      ).body,
    );
    expect(name).toBe("oadrCreatedPartyRegistration");
    expect(reg.eiResponse).toMatchObject({ responseCode: "200", requestID: "r1" });
    return { d, vtn, venID: reg.venID as string, registrationID: reg.registrationID as string };
  }

  it("refuses unregistered VENs with 463 and serves registered ones", async () => {
    const d = createReferenceDispatcher();
    const [, res] = inner((await d.dispatch({ body: oadr("oadrPoll", { venID: "ghost" }) })).body);
    expect(res.eiResponse.responseCode).toBe("463");
    const { d: d2, venID } = await registered();
    const [name] = inner((await d2.dispatch({ body: oadr("oadrPoll", { venID }) })).body);
    expect(name).toBe("oadrResponse");
  });

  it("distributes events through poll and requestEvent; modification numbers only increase; stale answers are out of sequence", async () => {
    const { d, vtn, venID } = await registered();
    const e = event();
    vtn.publishEvent(e);
    const [polled, dist] = inner((await d.dispatch({ body: oadr("oadrPoll", { venID }) })).body);
    expect(polled).toBe("oadrDistributeEvent");
    expect(dist.oadrEvent[0].eiEvent.eventDescriptor.eventID).toBe(
      e.eiEvent.eventDescriptor.eventID,
    );
    expect(() => vtn.publishEvent(e)).toThrow(/does not increase/);
    vtn.cancelEvent(e.eiEvent.eventDescriptor.eventID);
    const [, req] = inner(
      (
        await d.dispatch({
          body: oadr("oadrRequestEvent", { eiRequestEvent: { requestID: "re", venID } }),
        })
      ).body,
    );
    expect(req.oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      modificationNumber: 1,
      eventStatus: "cancelled",
    });
    const answer = (n: number) =>
      oadr("oadrCreatedEvent", {
        eiCreatedEvent: {
          eiResponse: { responseCode: "200", requestID: "" },
          eventResponses: {
            eventResponse: [
              {
                responseCode: "200",
                requestID: "re",
                qualifiedEventID: {
                  eventID: e.eiEvent.eventDescriptor.eventID,
                  modificationNumber: n,
                },
                optType: "optIn",
              },
            ],
          },
          venID,
        },
      });
    expect(inner((await d.dispatch({ body: answer(0) })).body)[1].eiResponse.responseCode).toBe(
      "450",
    );
    expect(inner((await d.dispatch({ body: answer(1) })).body)[1].eiResponse.responseCode).toBe(
      "200",
    );
  });

  it("runs the opt life cycle", async () => {
    const { d, vtn, venID } = await registered();
    vtn.publishEvent(event());
    const create = oadr("oadrCreateOpt", {
      optID: "opt-1",
      optType: "optOut",
      optReason: "emergency",
      venID,
      createdDateTime: "2026-09-01T12:00:00Z",
      requestID: "o1",
      qualifiedEventID: { eventID: event().eiEvent.eventDescriptor.eventID, modificationNumber: 0 },
      eiTarget: { venID: [venID] },
    });
    expect(inner((await d.dispatch({ body: create })).body)[1]).toMatchObject({
      eiResponse: { responseCode: "200" },
      optID: "opt-1",
    });
    expect(inner((await d.dispatch({ body: create })).body)[1].eiResponse.responseCode).toBe("451");
    const cancel = oadr("oadrCancelOpt", { requestID: "o2", optID: "opt-1", venID });
    expect(inner((await d.dispatch({ body: cancel })).body)[1].eiResponse.responseCode).toBe("200");
    expect(inner((await d.dispatch({ body: cancel })).body)[1].eiResponse.responseCode).toBe("451");
  });

  it("runs the report life cycle: register, request (poll), created, update, cancel", async () => {
    const { d, vtn, venID } = await registered();
    const register = readFileSync(new URL("examples/openadr2b-update-report.xml", root), "utf8");
    expect(register).toContain("oadrUpdateReport");
    const regBody = oadr("oadrRegisterReport", {
      requestID: "rr",
      venID,
      oadrReport: [
        {
          reportRequestID: "0",
          reportSpecifierID: "spec-power",
          reportName: "METADATA_TELEMETRY_USAGE",
          createdDateTime: "2026-09-01T12:00:00Z",
          oadrReportDescription: [
            {
              rID: "rid-1",
              reportType: "usage",
              readingType: "Direct Read",
              oadrSamplingRate: {
                oadrMinPeriod: "PT1M",
                oadrMaxPeriod: "PT1H",
                oadrOnChange: false,
              },
            },
          ],
        },
      ],
    });
    const [regName, regRes] = inner(
      (await d.dispatch({ body: regBody, service: "EiReport" })).body,
    );
    expect([regName, regRes.eiResponse.responseCode], JSON.stringify(regRes)).toEqual([
      "oadrRegisteredReport",
      "200",
    ]);
    const update = oadr("oadrUpdateReport", {
      requestID: "u",
      venID,
      oadrReport: [
        {
          reportRequestID: "x",
          reportSpecifierID: "spec-power",
          createdDateTime: "2026-09-01T12:05:00Z",
        },
      ],
    });
    expect(inner((await d.dispatch({ body: update })).body)[1].eiResponse.responseCode).toBe("452");
    const id = vtn.requestReport(venID, "spec-power");
    const [polled, createReport] = inner(
      (await d.dispatch({ body: oadr("oadrPoll", { venID }) })).body,
    );
    expect(polled).toBe("oadrCreateReport");
    expect(createReport.oadrReportRequest[0].reportRequestID).toBe(id);
    const updateFor = oadr("oadrUpdateReport", {
      requestID: "u2",
      venID,
      oadrReport: [
        {
          reportRequestID: id,
          reportSpecifierID: "spec-power",
          createdDateTime: "2026-09-01T12:05:00Z",
        },
      ],
    });
    // not yet acknowledged with oadrCreatedReport
    expect(inner((await d.dispatch({ body: updateFor })).body)[1].eiResponse.responseCode).toBe(
      "451",
    );
    await d.dispatch({
      body: oadr("oadrCreatedReport", {
        eiResponse: { responseCode: "200", requestID: "" },
        oadrPendingReports: { reportRequestID: [id] },
        venID,
      }),
    });
    expect(inner((await d.dispatch({ body: updateFor })).body)[1].eiResponse.responseCode).toBe(
      "200",
    );
    vtn.cancelReportRequest(id);
    expect(inner((await d.dispatch({ body: oadr("oadrPoll", { venID }) })).body)[0]).toBe(
      "oadrCancelReport",
    );
    const canceled = oadr("oadrCanceledReport", {
      eiResponse: { responseCode: "200", requestID: "" },
      oadrPendingReports: {},
      venID,
    });
    expect(inner((await d.dispatch({ body: canceled })).body)[1].eiResponse.responseCode).toBe(
      "200",
    );
    expect(inner((await d.dispatch({ body: updateFor })).body)[1].eiResponse.responseCode).toBe(
      "451",
    );
  });

  it("cancels registrations from either side", async () => {
    const { d, vtn, venID, registrationID } = await registered();
    vtn.cancelRegistration(venID);
    expect(inner((await d.dispatch({ body: oadr("oadrPoll", { venID }) })).body)[0]).toBe(
      "oadrCancelPartyRegistration",
    );
    const ack = oadr("oadrCanceledPartyRegistration", {
      eiResponse: { responseCode: "200", requestID: "" },
      registrationID,
      venID,
    });
    expect(inner((await d.dispatch({ body: ack })).body)[1].eiResponse.responseCode).toBe("200");
    expect(
      inner((await d.dispatch({ body: oadr("oadrPoll", { venID }) })).body)[1].eiResponse
        .responseCode,
    ).toBe("463");
    const other = await registered();
    const cancel = oadr("oadrCancelPartyRegistration", {
      requestID: "c",
      registrationID: "nope",
      venID: other.venID,
    });
    expect(inner((await other.d.dispatch({ body: cancel })).body)[1].eiResponse.responseCode).toBe(
      "452",
    );
  });

  it("answers malformed, wrong-namespace, bare and misrouted messages with oadrResponse codes", async () => {
    const d = createReferenceDispatcher();
    const code = async (body: string, service?: string) => {
      const res = await d.dispatch(service ? { body, service } : { body });
      expect(res.status).toBe(200);
      const doc = decodeXml(registry, res.body);
      expect(validate(registry, doc)).toEqual([]);
      return (Object.values((doc.value as any).oadrSignedObject)[0] as any).eiResponse;
    };
    expect(
      (await code("<oadr:oadrPayload xmlns:oadr='http://openadr.org/oadr-2.0b/2012/07'><oops"))
        .responseCode,
    ).toBe("454");
    expect(
      (await code("<oadrPoll xmlns='urn:wrong'><venID>v</venID></oadrPoll>")).responseCode,
    ).toBe("453");
    const bare = readFileSync(
      `${process.env.TRANSACTIVE_OASIS_DIR ?? new URL("../../../../shared/oasis", import.meta.url).pathname}/avob-OpenADR/OpenADRModel20b/src/test/resources/poll/oadrPoll.xml`,
      "utf8",
    );
    expect((await code(bare)).responseDescription).toContain("inside oadr:oadrPayload");
    const poll = oadr("oadrPoll", { venID: "v" }).replace('"$profile":"openadr2b",', "");
    const misrouted = await d.dispatch({ body: poll, service: "EiEvent" });
    expect(inner(misrouted.body)[1].eiResponse.responseDescription).toContain(
      "belongs to service OadrPoll (/OpenADR2/Simple/2.0b/OadrPoll)",
    );
    const distribute = readFileSync(
      new URL("examples/openadr2b-distribute-event.xml", root),
      "utf8",
    );
    expect((await code(distribute)).responseCode).toBe("453");
    expect(d.services.map((s) => s.path)).toContain("/OpenADR2/Simple/2.0b/EiEvent");
  });
});

/**
 * The eml-cts client JSON (ClientCreateTenderPayload) of the Energy Mashup Lab Postman collection,
 * read from the OASIS folder: each request maps to a canonical eiCreateTender that is schema- and
 * XSD-valid, the reference market accepts it, and it maps back to the same client payload.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodecError, decodeXml, encodeXml, toJsonObject, validate } from "@transactive/codec";
import { hasXmllint, oasisDir, xmllintValidate, xsdFor } from "@transactive/conformance";
import { describe, expect, it } from "vitest";
import {
  type ClientCreateTenderPayload,
  fromClientCreateTender,
  toClientCreatedTender,
  toClientCreateTender,
} from "./eml-cts.js";
import type { EiCreatedTenderType } from "./gen/types.js";
import { createReferenceDispatcher } from "./reference.js";
import { registry } from "./registry.js";

const CI = process.env.CI === "true";
const DEMO = join(oasisDir(), "EnergyMashupLab-eml-cts", "Demo");

interface PostmanItem {
  readonly request: {
    readonly url: { readonly raw: string };
    readonly body: { readonly raw: string };
  };
}
function collection(): { url: string; body: ClientCreateTenderPayload }[] {
  const file = readdirSync(DEMO).find((f) => f.endsWith(".postman_collection.json")) as string;
  const items = (JSON.parse(readFileSync(join(DEMO, file), "utf8")) as { item: PostmanItem[] })
    .item;
  return items.map((i) => ({ url: i.request.url.raw, body: JSON.parse(i.request.body.raw) }));
}

const context = (url: string, i: number) => ({
  requestID: `postman-${i}`,
  // POST /teua/{n}/clientCreateTender: the n-th TEUA tenders on behalf of its party
  partyID: `teua-${/\/teua\/(\d+)\//.exec(url)?.[1]}`,
  counterPartyID: "lme",
  marketContext: "http://market.example.com/eml-cts",
  tenderID: String(1000 + i),
});

describe.skipIf(!CI && !existsSync(DEMO))(
  "eml-cts Postman collection (ClientCreateTenderPayload)",
  () => {
    it("maps every request to a valid eiCreateTender the market accepts, and back", async () => {
      const items = collection();
      expect(items.length).toBeGreaterThan(0);
      const market = createReferenceDispatcher({ profile: "cts" });
      for (const [i, { url, body }] of items.entries()) {
        const request = fromClientCreateTender(body, context(url, i));
        const doc = { profile: "cts", element: "pyld:eiCreateTender", value: request };
        expect(validate(registry, doc), url).toEqual([]);
        expect(request.eiTender[0]?.product).toMatchObject({
          side: body.side.toLowerCase(),
          duration: `PT${body.bridgeInterval.durationInMinutes}M`,
          temixPower: { quantity: body.quantity, price: { value: String(body.price) } },
          dtStart: { dateTime: body.bridgeInterval.dtStart.instantString },
        });
        // back to the client form: the same payload, with the tender ID now assigned
        expect(toClientCreateTender(request)).toEqual([{ ...body, ctsTenderId: 1000 + i }]);
        const res = await market.dispatch({ body: encodeXml(registry, doc), service: "EiTender" });
        expect(res.status).toBe(200);
        const created = toJsonObject(decodeXml(registry, res.body)) as {
          "pyld:eiCreatedTender": EiCreatedTenderType;
        };
        const answer = toClientCreatedTender(created["pyld:eiCreatedTender"], String(1000 + i));
        expect(answer).toEqual({
          info: "ClientCreatedTenderPayload",
          ctsTenderId: 1000 + i,
          success: true,
        });
      }
    });

    it.skipIf(!CI && !hasXmllint())(
      "gives eiCreateTender documents valid against the CTS XSD",
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "eml-cts-"));
        try {
          const files = collection().map(({ url, body }, i) => {
            const f = join(dir, `${i}.xml`);
            const value = fromClientCreateTender(body, context(url, i));
            writeFileSync(
              f,
              encodeXml(registry, { profile: "cts", element: "pyld:eiCreateTender", value }),
            );
            return f;
          });
          const verdicts = await xmllintValidate(await xsdFor("cts"), files);
          for (const f of files)
            expect(verdicts.get(f)?.valid, JSON.stringify(verdicts.get(f)?.errors)).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  },
);

describe("eml-cts client JSON mapping", () => {
  const good: ClientCreateTenderPayload = {
    info: "ClientCreateTenderPayload",
    side: "SELL",
    quantity: 53,
    price: 130,
    ctsTenderId: 7,
    bridgeInterval: { durationInMinutes: 60, dtStart: { instantString: "2020-06-20T06:00:00Z" } },
  };
  const ctx = { requestID: "r", partyID: "p", counterPartyID: "c", marketContext: "http://m" };

  it("uses a non-zero ctsTenderId as the tenderID", () => {
    expect(fromClientCreateTender(good, ctx).eiTender[0]?.tenderID).toBe("7");
  });

  it("refuses bad client payloads with every problem's path", () => {
    const bad = {
      ...good,
      side: "HOLD",
      quantity: 1.5,
      extra: 1,
      bridgeInterval: { durationInMinutes: 0 },
    };
    const e = (() => {
      try {
        fromClientCreateTender(bad, ctx);
      } catch (err) {
        return err;
      }
    })() as CodecError;
    expect(e).toBeInstanceOf(CodecError);
    expect(e.issues.map((i) => i.path)).toEqual([
      "/extra",
      "/side",
      "/quantity",
      "/bridgeInterval/durationInMinutes",
      "/bridgeInterval/dtStart/instantString",
    ]);
  });

  it("refuses canonical tenders the client form cannot carry, naming the path", () => {
    const request = fromClientCreateTender(good, ctx);
    const product = request.eiTender[0]?.product as unknown as Record<string, unknown>;
    const odd = {
      ...request,
      eiTender: [
        {
          tenderID: "t-x",
          product: {
            ...product,
            duration: "PT1H0M30S",
            temixPower: { price: { value: "0.125" }, quantity: 1 },
          },
        },
      ],
    };
    expect(() => toClientCreateTender(odd as never)).toThrow(
      /eiTender\[0\]\/product\/temixPower\/price\/value[^\n]*0\.125[\s\S]*product\/duration[\s\S]*\/tenderID/,
    );
  });
});

/**
 * The client JSON of the Energy Mashup Lab CTS implementation (EnergyMashupLab/eml-cts, its TEUA
 * REST API `POST /teua/{n}/clientCreateTender`, as in Demo/*.postman_collection.json):
 * ClientCreateTenderPayload and its answer ClientCreatedTenderPayload, mapped to and from the
 * canonical CTS 0.4 eiCreateTender / eiCreatedTender. A renaming of the same model: side BUY/SELL is
 * emix:side buy/sell, quantity and price are the temixPower quantity and price value (in the
 * market's units, unchanged), bridgeInterval is the product's dtStart + duration, bridgeExpireTime
 * is emix:expirationDate, ctsTenderId is the tenderID. What the client payload does not carry
 * (request and party IDs, market context, currency) comes from an EmlCtsContext.
 */
import { CodecError, type Issue, type IssueCode, makeIssue } from "@transactive/codec";
import type { ProductType } from "@transactive/emix";
import type { EiCreatedTenderType, EiCreateTenderType, EiTenderType } from "./gen/types.js";

export interface ClientCreateTenderPayload {
  readonly info?: string;
  readonly side: "BUY" | "SELL";
  readonly quantity: number;
  readonly price: number;
  /** 0: not assigned yet (the TEUA assigns one) */
  readonly ctsTenderId: number;
  readonly bridgeInterval: {
    readonly durationInMinutes: number;
    readonly dtStart: { readonly instantString: string };
  };
  readonly bridgeExpireTime?: { readonly instantString: string };
}

export interface ClientCreatedTenderPayload {
  readonly info: "ClientCreatedTenderPayload";
  readonly ctsTenderId: number;
  readonly success: boolean;
}

/** What an eiCreateTender needs and the client payload does not carry. */
export interface EmlCtsContext {
  readonly requestID: string;
  readonly partyID: string;
  readonly counterPartyID: string;
  readonly marketContext: string;
  /** ISO 4217 code (default USD) */
  readonly currency?: string;
  /** tenderID when ctsTenderId is 0 (unassigned); default `cts-tender-<requestID>` */
  readonly tenderID?: string;
  /** emix:uid of the product (default `<tenderID>-product`) */
  readonly productUid?: string;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
const fail = (issues: Issue[]): never => {
  throw new CodecError(issues);
};

/** Reads a ClientCreateTenderPayload (parsed JSON) into a canonical eiCreateTender. Throws CodecError naming the path. */
export function fromClientCreateTender(input: unknown, context: EmlCtsContext): EiCreateTenderType {
  const issues: Issue[] = [];
  const at = (path: string, message: string, code: IssueCode = "bad-value") =>
    issues.push(makeIssue(code, path, message));
  if (typeof input !== "object" || input === null || Array.isArray(input))
    fail([{ code: "bad-json", path: "", message: "a ClientCreateTenderPayload is a JSON object" }]);
  const p = input as {
    readonly [k: string]: unknown;
    readonly side?: unknown;
    readonly quantity?: number;
    readonly price?: number;
    readonly ctsTenderId?: number;
    readonly bridgeInterval?: {
      readonly durationInMinutes?: number;
      readonly dtStart?: { readonly instantString?: unknown };
    };
    readonly bridgeExpireTime?: { readonly instantString?: unknown };
  };
  const known = new Set([
    "info",
    "side",
    "quantity",
    "price",
    "ctsTenderId",
    "bridgeInterval",
    "bridgeExpireTime",
  ]);
  for (const k of Object.keys(p))
    if (!known.has(k))
      at(`/${k}`, `"${k}" is not a ClientCreateTenderPayload property`, "unknown-property");
  if (p.info !== undefined && p.info !== "ClientCreateTenderPayload")
    at("/info", `info is "${p.info}", expected "ClientCreateTenderPayload"`);
  if (p.side !== "BUY" && p.side !== "SELL")
    at("/side", `side must be "BUY" or "SELL", got ${JSON.stringify(p.side)}`);
  for (const k of ["quantity", "price", "ctsTenderId"] as const)
    if (!Number.isSafeInteger(p[k]) || (p[k] as number) < 0)
      at(`/${k}`, `${k} must be a whole number ≥ 0 (a Java long), got ${JSON.stringify(p[k])}`);
  const minutes = p.bridgeInterval?.durationInMinutes;
  if (!Number.isSafeInteger(minutes) || (minutes ?? 0) <= 0)
    at(
      "/bridgeInterval/durationInMinutes",
      `durationInMinutes must be a whole number > 0, got ${JSON.stringify(minutes)}`,
    );
  const start = p.bridgeInterval?.dtStart?.instantString;
  if (typeof start !== "string" || !INSTANT.test(start))
    at(
      "/bridgeInterval/dtStart/instantString",
      `an instant in UTC (e.g. 2020-06-20T05:00:00Z), got ${JSON.stringify(start)}`,
    );
  const expire = p.bridgeExpireTime?.instantString;
  if (p.bridgeExpireTime !== undefined && (typeof expire !== "string" || !INSTANT.test(expire)))
    at(
      "/bridgeExpireTime/instantString",
      `an instant in UTC (e.g. 2020-06-20T16:00:00Z), got ${JSON.stringify(expire)}`,
    );
  if (issues.length) fail(issues);

  const tenderID =
    p.ctsTenderId !== 0
      ? String(p.ctsTenderId)
      : (context.tenderID ?? `cts-tender-${context.requestID}`);
  const product: ProductType = {
    dtStart: { dateTime: start },
    duration: `PT${minutes as number}M`,
    temixPower: { price: { value: String(p.price) }, quantity: p.quantity as number },
    uid: context.productUid ?? `${tenderID}-product`,
    transactiveState: "tender",
    ...(expire === undefined ? {} : { expirationDate: expire }),
    currency: context.currency ?? "USD",
    marketContext: context.marketContext,
    side: p.side === "BUY" ? "buy" : "sell",
  } as ProductType;
  return {
    requestID: context.requestID,
    partyID: context.partyID,
    counterPartyID: context.counterPartyID,
    eiTender: [{ tenderID, product }],
  };
}

/**
 * Writes each tender of a canonical eiCreateTender as a ClientCreateTenderPayload. Throws
 * CodecError naming the path of what the client form cannot say (a stream of intervals, a
 * fractional quantity or price, a duration that is not whole minutes, a non-numeric tenderID).
 */
export function toClientCreateTender(request: EiCreateTenderType): ClientCreateTenderPayload[] {
  const issues: Issue[] = [];
  const out = request.eiTender.map((tender: EiTenderType, i) => {
    const base = `/eiCreateTender/eiTender[${i}]`;
    const at = (path: string, message: string) =>
      issues.push({ code: "not-in-profile", path: `${base}${path}`, message });
    const product = tender.product as (ProductType & { expirationDate?: string }) | undefined;
    if (!product) {
      at("/product", "a ClientCreateTenderPayload needs an EMIX product");
      return undefined;
    }
    if (product.intervals) at("/product/intervals", "stream tenders have no client form here");
    const quantity = Number(product.temixPower?.quantity);
    const price = product.temixPower?.price?.value;
    if (!Number.isSafeInteger(quantity) || quantity < 0)
      at(
        "/product/temixPower/quantity",
        `the client form carries whole quantities, not ${product.temixPower?.quantity}`,
      );
    if (typeof price !== "string" || !/^\d+$/.test(price))
      at("/product/temixPower/price/value", `the client form carries whole prices, not ${price}`);
    const minutes = minutesOf(product.duration);
    if (minutes === undefined)
      at("/product/duration", `not a whole number of minutes: ${product.duration}`);
    const start = product.dtStart?.dateTime;
    if (typeof start !== "string" || !INSTANT.test(start))
      at("/product/dtStart/dateTime", `the client form needs a UTC instant, not ${start}`);
    const ctsTenderId = /^\d+$/.test(tender.tenderID) ? Number(tender.tenderID) : Number.NaN;
    if (!Number.isSafeInteger(ctsTenderId))
      at("/tenderID", `ctsTenderId is a number; "${tender.tenderID}" is not`);
    return {
      info: "ClientCreateTenderPayload",
      side: product.side === "buy" ? "BUY" : "SELL",
      quantity,
      price: Number(price),
      ctsTenderId,
      bridgeInterval: {
        durationInMinutes: minutes as number,
        dtStart: { instantString: start as string },
      },
      ...(product.expirationDate === undefined
        ? {}
        : { bridgeExpireTime: { instantString: product.expirationDate } }),
    } satisfies ClientCreateTenderPayload;
  });
  if (issues.length) fail(issues);
  return out as ClientCreateTenderPayload[];
}

/** The TEUA's answer for one tender of an eiCreatedTender (success: responseCode 200 and the tender listed). */
export function toClientCreatedTender(
  created: EiCreatedTenderType,
  tenderID: string,
): ClientCreatedTenderPayload {
  if (!/^\d+$/.test(tenderID))
    fail([
      {
        code: "not-in-profile",
        path: "/eiCreatedTender/tenderID",
        message: `ctsTenderId is a number; "${tenderID}" is not`,
      },
    ]);
  return {
    info: "ClientCreatedTenderPayload",
    ctsTenderId: Number(tenderID),
    success:
      created.eiResponse.responseCode === "200" && (created.tenderID ?? []).includes(tenderID),
  };
}

/** Whole minutes of an xs:duration made of hours, minutes and seconds (PT1H, PT60M, PT90M…). */
function minutesOf(duration: string | undefined): number | undefined {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration ?? "");
  if (!m || (m[1] ?? m[2] ?? m[3]) === undefined) return undefined;
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return seconds % 60 === 0 && seconds > 0 ? seconds / 60 : undefined;
}

/**
 * Builders for the common TEMIX cases: a product of N intervals at given quantities and prices,
 * and the CTS tender and transaction payloads that carry it, in a few lines. The result is the
 * canonical JSON model, ready for encodeXml (with the @transactive/ei registry for the EI payloads).
 */
import type { CodecDocument } from "@transactive/codec";
import { Decimal, type DecimalInput } from "./decimal.js";
import { at, emixError } from "./errors.js";
import type { ProductType, SideType, TemixPowerType, TransactiveStateType } from "./gen/types.js";
import { checkCurrency, ITEMS, isSiScaleCode, type SiScaleCode } from "./items.js";
import { parseDuration, parseStart } from "./schedule.js";

export interface TemixInterval {
  /** rate of delivery (for a power item) or energy (for an energy item), as an exact decimal */
  readonly quantity: DecimalInput;
  /** price per unit of energy in the currency, as an exact decimal */
  readonly price: DecimalInput;
}

export interface TemixItem {
  /** item element key: powerReal, powerReactive, powerApparent, energyReal… */
  readonly key: string;
  readonly scale?: SiScaleCode;
  /** units when the type allows several (W or J/s) */
  readonly units?: string;
  /** required by the power items' type */
  readonly powerAttributes?: {
    readonly hertz: DecimalInput;
    readonly voltage: DecimalInput;
    readonly ac: boolean;
  };
}

export interface TemixProductInput {
  readonly uid: string;
  /** dateTime the first interval starts, with its offset ("2026-09-01T00:00:00Z") */
  readonly start: string;
  /** duration of each interval ("PT5M", "PT1H") */
  readonly interval: string;
  readonly intervals: readonly TemixInterval[];
  readonly side: SideType;
  readonly currency: string;
  readonly marketContext: string;
  readonly transactiveState?: TransactiveStateType;
  readonly item?: TemixItem;
  readonly integralOnly?: boolean;
  readonly expirationDate?: string;
}

/** An emix:product (CTS) with a TEMIX power stream of one interval per entry of `intervals`. */
export function temixProduct(input: TemixProductInput): ProductType {
  parseStart(input.start, "/start");
  parseDuration(input.interval, "/interval");
  checkCurrency(input.currency, "/currency");
  if (input.side !== "buy" && input.side !== "sell")
    throw emixError("bad-option", "/side", `side must be buy or sell, got ${String(input.side)}`);
  if (input.intervals.length === 0)
    throw emixError("missing", "/intervals", "a TEMIX product needs at least one interval");
  const stream: TemixPowerType = input.item === undefined ? {} : itemJson(input.item);
  return {
    dtStart: { dateTime: input.start },
    duration: input.interval,
    temixPower: stream,
    intervals: {
      streamInterval: input.intervals.map((iv, i) => ({
        uid: String(i),
        temixPower: {
          price: { value: Decimal.of(iv.price, at(at("/intervals", i), "price")).toString() },
          quantity: floatOf(iv.quantity, at(at("/intervals", i), "quantity")),
        },
      })),
    },
    uid: input.uid,
    transactiveState: input.transactiveState ?? "tender",
    ...(input.expirationDate === undefined ? {} : { expirationDate: input.expirationDate }),
    ...(input.integralOnly === undefined ? {} : { integralOnly: input.integralOnly }),
    currency: input.currency as ProductType["currency"] & string,
    marketContext: input.marketContext,
    side: input.side,
  };
}

/**
 * emix:quantity is an xs:float, carried as a JSON number: refuse a decimal the number would not
 * give back exactly, rather than drift silently.
 */
function floatOf(value: DecimalInput, path: string): number {
  const exact = Decimal.of(value, path);
  const n = Number(exact.toString());
  if (!Decimal.of(n, path).eq(exact))
    throw emixError(
      "bad-decimal",
      path,
      `quantity ${exact.toString()} has no exact xs:float/JSON number form (emix:quantity is xs:float); use fewer digits`,
      exact.toString(),
    );
  return n;
}

function itemJson(item: TemixItem): TemixPowerType {
  const def = ITEMS.get(item.key);
  if (def === undefined || def.element.startsWith("oadr:") || def.dimension === "voltage")
    throw emixError(
      "unknown-item",
      "/item/key",
      `a TEMIX product counts a power or energy item of the power schema, not "${item.key}"`,
      item.key,
    );
  const scale = item.scale ?? "none";
  if (!isSiScaleCode(scale))
    throw emixError(
      "bad-scale",
      "/item/scale",
      `"${String(scale)}" is not an SI scale code`,
      scale,
    );
  const units = item.units ?? def.units?.[0];
  if (units === undefined || !def.units?.includes(units))
    throw emixError(
      "item-units",
      "/item/units",
      `${def.element} is counted in ${def.units?.join(" or ")}`,
      units,
    );
  const value: Record<string, unknown> = {
    itemDescription: def.descriptions?.[0],
    itemUnits: units,
    siScaleCode: scale,
  };
  if (def.energy !== undefined) {
    const pa = item.powerAttributes;
    if (pa === undefined)
      throw emixError(
        "missing",
        "/item/powerAttributes",
        `${def.element} requires powerAttributes (hertz, voltage, ac)`,
      );
    value.powerAttributes = {
      hertz: Decimal.of(pa.hertz, "/item/powerAttributes/hertz").toString(),
      voltage: Decimal.of(pa.voltage, "/item/powerAttributes/voltage").toString(),
      ac: pa.ac,
    };
  }
  return { [item.key]: value } as TemixPowerType;
}

export interface TenderParties {
  readonly requestID: string;
  readonly partyID: string;
  readonly counterPartyID: string;
}

/** A CTS pyld:eiCreateTender carrying one TEMIX product. Encode it with the @transactive/ei registry. */
export function temixTender(
  input: TemixProductInput & TenderParties & { readonly tenderID: string },
): CodecDocument {
  return {
    profile: "cts",
    element: "pyld:eiCreateTender",
    value: {
      requestID: input.requestID,
      partyID: input.partyID,
      counterPartyID: input.counterPartyID,
      eiTender: [
        {
          tenderID: input.tenderID,
          product: temixProduct({ ...input, transactiveState: input.transactiveState ?? "tender" }),
        },
      ],
    },
  };
}

/** A CTS pyld:eiCreateTransaction carrying one TEMIX product in state "transaction". */
export function temixTransaction(
  input: TemixProductInput &
    TenderParties & { readonly transactionID: string; readonly tenderID?: string },
): CodecDocument {
  return {
    profile: "cts",
    element: "pyld:eiCreateTransaction",
    value: {
      requestID: input.requestID,
      partyID: input.partyID,
      counterPartyID: input.counterPartyID,
      eiTransaction: [
        {
          transactionID: input.transactionID,
          ...(input.tenderID === undefined ? {} : { tenderID: input.tenderID }),
          product: temixProduct({
            ...input,
            transactiveState: input.transactiveState ?? "transaction",
          }),
        },
      ],
    },
  };
}

/** An emix:product document on its own (CTS), encodable with this package's registry. */
export function productDocument(product: ProductType): CodecDocument<ProductType> {
  return { profile: "cts", element: "emix:product", value: product };
}

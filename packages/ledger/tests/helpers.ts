/** Shared scenario for the ledger tests: a market, a seller and a buyer, one contract. */
import {
  fillTransaction,
  generateIdentity,
  type Identity,
  Ledger,
  type SignedRecord,
  signedContract,
} from "../src/index.js";

export const DAY = { start: "2026-09-01T00:00:00Z", end: "2026-09-02T00:00:00Z" };

export interface Scenario {
  ledger: Ledger;
  market: Identity;
  seller: Identity;
  buyer: Identity;
  contract: SignedRecord<"contract">;
}

/** An in-memory ledger (difficulty 0 unless given) with three registered parties. */
export async function scenario(
  ledger = Ledger.inMemory({ difficulty: 0, registrationExtra: 0 }),
): Promise<Scenario> {
  const market = generateIdentity();
  const seller = generateIdentity();
  const buyer = generateIdentity();
  await ledger.append(ledger.register(market, "market"));
  await ledger.append(ledger.register(seller, "battery-3"));
  await ledger.append(ledger.register(buyer, "house-9"));
  const contract = ledger.draft(seller, "contract", contractBody(market, seller, buyer));
  return { ledger, market, seller, buyer, contract };
}

/** A contract for 2 kW over 14:00-14:15 at 0.1234 USD/kWh (0.5 kWh, 0.0617 USD). */
export function contractBody(
  market: Identity,
  seller: Identity,
  buyer: Identity,
  over: {
    transactionID?: string;
    start?: string;
    quantity?: string;
    price?: string;
    seller?: string;
    buyer?: string;
  } = {},
) {
  const ei = fillTransaction({
    transactionID: over.transactionID ?? "txn-1",
    sellerEiPartyID: over.seller ?? "battery-3",
    buyerEiPartyID: over.buyer ?? "house-9",
    start: over.start ?? "2026-09-01T14:00:00Z",
    duration: "PT15M",
    intervals: [{ quantity: over.quantity ?? "2", price: over.price ?? "0.1234" }],
    currency: "USD",
    marketContext: "http://market.example.com/cts/15min",
  }).toString("base64");
  return signedContract(
    { ei, seller: seller.partyId, buyer: buyer.partyId, market: market.partyId },
    seller,
    buyer,
  );
}

/** The day's 96 quarter-hour clearing prices, all `price`. */
export function flatPrices(price: string) {
  return Array.from({ length: 96 }, (_, i) => ({
    start: new Date(Date.parse(DAY.start) + i * 900_000).toISOString().replace(".000Z", "Z"),
    duration: "PT15M",
    price,
  }));
}

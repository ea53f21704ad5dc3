import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FOUR, streamPriceTender } from "./emix-fixtures.js";
import { example, REPO, run, tempFile } from "./helpers.js";

const TENDER = example("cts-create-tender.xml");
const vector = (p: string) => join(REPO, "conformance", p);

/** The example tender three times: USD, EUR (price 0.3) and USD again (2.5 units). */
function threeTenders(): string {
  const xml = readFileSync(TENDER, "utf8");
  const tender = / {2}<ei:eiTender>[\s\S]*?<\/ei:eiTender>\n/.exec(xml)?.[0] ?? "";
  const eur = tender
    .replace("tender-2026-09-01-14", "tender-eur")
    .replace("product-temix-1h", "product-eur")
    .replace("<emix:currency>USD", "<emix:currency>EUR")
    .replace("<emix:value>0.1250</emix:value>", "<emix:value>0.3</emix:value>");
  const usd = tender
    .replace("tender-2026-09-01-14", "tender-usd-2")
    .replace("product-temix-1h", "product-usd-2")
    .replace("<emix:quantity>5</emix:quantity>", "<emix:quantity>2.5</emix:quantity>");
  return xml.replace(tender, tender + eur + usd);
}

// the first document of each profile compiles its codec plan: generous time on a busy machine
describe("transactive amounts", { timeout: 60_000 }, () => {
  it("a CTS tender: a table with the exact amount and the total per currency", async () => {
    const r = await run(["amounts", TENDER]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("cts pyld:eiCreateTender");
    expect(lines).toContain("product /eiCreateTender/eiTender[0]/product (USD, sell)");
    const row = lines
      .find((l) => l.trim().startsWith("product-temix-1h"))
      ?.trim()
      .split(/\s+/);
    // 5 (kW) x 1 h x 0.1250 USD/kWh
    expect(row).toEqual([
      "product-temix-1h",
      "2026-09-01T14:00:00Z",
      "2026-09-01T15:00:00Z",
      "PT1H",
      "5",
      "5",
      "0.125",
      "0.625",
    ]);
    expect(lines).toContain("  USD 0.625 (1 interval)");
  });
  it("--json: exact decimal strings per interval and per currency", async () => {
    const r = await run(["amounts", FOUR, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.profile).toBe("cts");
    const [p] = out.products;
    expect(p.item).toEqual({ element: "power:powerReal", units: "W", siScaleCode: "k" });
    // kW x 0.25 h: 4 -> 1 kWh, 8 -> 2, 2 -> 0.5, 10.5 -> 2.625; x the price of each interval
    expect(
      p.intervals.map((i: Record<string, string>) => [
        i.uid,
        i.start,
        i.end,
        i.duration,
        i.quantity,
        i.energy,
        i.price,
        i.amount,
        i.currency,
      ]),
    ).toEqual([
      ["0", "2026-09-01T14:00:00Z", "2026-09-01T14:15:00Z", "PT15M", "4", "1", "0.1", "0.1", "USD"],
      [
        "1",
        "2026-09-01T14:15:00Z",
        "2026-09-01T14:30:00Z",
        "PT15M",
        "8",
        "2",
        "0.125",
        "0.25",
        "USD",
      ],
      [
        "2",
        "2026-09-01T14:30:00Z",
        "2026-09-01T14:45:00Z",
        "PT15M",
        "2",
        "0.5",
        "0.2",
        "0.1",
        "USD",
      ],
      [
        "3",
        "2026-09-01T14:45:00Z",
        "2026-09-01T15:00:00Z",
        "PT15M",
        "10.5",
        "2.625",
        "0.0975",
        "0.2559375",
        "USD",
      ],
    ]);
    expect([p.energy, p.amount]).toEqual(["6.125", "0.7059375"]);
    expect(out.totals).toEqual([{ currency: "USD", amount: "0.7059375", intervals: 4 }]);
    // never a float: every value is a string
    for (const i of p.intervals) for (const v of Object.values(i)) expect(typeof v).toBe("string");
  });
  it("totals per currency over several products", async () => {
    const r = await run(["amounts", tempFile(threeTenders()), "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.products.map((p: { path: string; amount: string }) => [p.path, p.amount])).toEqual([
      ["/eiCreateTender/eiTender[0]/product", "0.625"],
      ["/eiCreateTender/eiTender[1]/product", "1.5"],
      ["/eiCreateTender/eiTender[2]/product", "0.3125"],
    ]);
    expect(out.totals).toEqual([
      { currency: "USD", amount: "0.9375", intervals: 2 },
      { currency: "EUR", amount: "1.5", intervals: 1 },
    ]);
  });
  it("a price the stream gives is inherited by the intervals that give none", async () => {
    const out = JSON.parse(
      (await run(["amounts", tempFile(streamPriceTender()), "--json"])).stdout,
    );
    expect(
      out.products[0].intervals.map((i: Record<string, string>) => [i.uid, i.price, i.amount]),
    ).toEqual([
      ["0", "0.15", "0.15"],
      ["1", "0.2", "0.4"],
    ]);
  });
  it("reads the CTS JSON form and standard input", async () => {
    const json = await run(["convert", TENDER, "--to", "json"]);
    expect(json.code).toBe(0);
    const r = await run(["amounts", "-", "--json"], json.stdout);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals).toEqual([
      { currency: "USD", amount: "0.625", intervals: 1 },
    ]);
  });
  it("an OpenADR event and an xCal calendar carry no EMIX product: typed error, exit 1", async () => {
    for (const [file, element] of [
      [example("openadr2b-distribute-event.xml"), "oadr:oadrPayload"],
      [example("xcal-wscalendar-interval.xml"), "xcal:vcalendar"],
    ] as const) {
      const r = await run(["amounts", file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `${file}: /${element}: no EMIX product: this ${element} (${element.startsWith("oadr") ? "openadr2b" : "xcal"}) states no emix:product to price; amounts come from CTS tenders and transactions [no-product]\n`,
      );
    }
  });
  it("an EMIX rule broken: each issue with its path and code, exit 1", async () => {
    const nan = await run(["amounts", vector("emix/rules/nan-quantity.xml")]);
    expect(nan.code).toBe(1);
    expect(nan.stdout).toBe("");
    expect(nan.stderr).toContain(
      "/eiCreateTender/eiTender[0]/product/intervals/streamInterval[1]/temixPower/quantity: ",
    );
    expect(nan.stderr).toContain("[bad-decimal]");
    const dup = await run(["amounts", vector("emix/rules/duplicate-interval-uid.xml"), "--json"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("[duplicate-uid]");
  });
  it("an invalid document: the codec's issues, exit 1", async () => {
    const r = await run([
      "amounts",
      tempFile(readFileSync(TENDER, "utf8").replace("<emix:currency>USD", "<emix:currency>US$")),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("/currency");
    expect((await run(["amounts", "-"], "not a document")).code).toBe(1);
  });
  it("usage errors exit 2", async () => {
    expect((await run(["amounts"])).code).toBe(2);
    expect((await run(["amounts", TENDER, FOUR])).code).toBe(2);
    expect((await run(["amounts", "/nonexistent/tender.xml"])).code).toBe(2);
    expect((await run(["amounts", "--profile", "nope", TENDER])).code).toBe(2);
    expect((await run(["amounts", "--bogus", TENDER])).code).toBe(2);
    const help = await run(["amounts", "--help"]);
    expect([help.code, help.stdout.includes("amounts <file|->")]).toEqual([0, true]);
    expect((await run(["--help"])).stdout).toContain("amounts <file|->");
  });
});

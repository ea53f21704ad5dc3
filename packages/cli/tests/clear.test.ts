/**
 * `transactive clear` over every shared market oracle case (../shared/market-oracles: fails under
 * CI=true when missing, skips with a message otherwise) and over malformed cases, in process
 * through main(), plus one real process reading stdin.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Decimal } from "@transactive/emix";
import { describe, expect, it } from "vitest";
import { REPO, run, tempFile } from "./helpers.js";

const ORACLES =
  process.env.TRANSACTIVE_MARKET_ORACLES_DIR ?? join(REPO, "..", "shared", "market-oracles");
const HAVE = existsSync(join(ORACLES, "README.md"));
const CI = process.env.CI === "true";
if (!HAVE && !CI)
  console.warn(`market oracles not found at ${ORACLES}: clear oracle tests skipped`);

const files = (family: string) =>
  HAVE
    ? readdirSync(join(ORACLES, family))
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => join(ORACLES, family, f))
    : [];

const near = (got: unknown, want: number, tol: number) =>
  Decimal.of(String(got)).sub(Decimal.of(want)).abs().cmp(Decimal.of(tol)) <= 0;

describe.skipIf(!HAVE && !CI)("transactive clear: the oracle cases", () => {
  it("finds the cases", () => {
    expect(HAVE, `market oracles missing at ${ORACLES}`).toBe(true);
    expect(files("gridlabd").length + files("powermatcher").length).toBeGreaterThanOrEqual(65);
  });

  it.each(files("gridlabd"))("%s", async (file) => {
    const kase = JSON.parse(readFileSync(file, "utf8"));
    const r = await run(["clear", file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith("}\n")).toBe(true);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(
      [
        "price",
        "quantity",
        "clearing_type",
        "marginal_quantity",
        "buyer_total_quantity",
        "seller_total_quantity",
        "seller_min_price",
      ].sort(),
    );
    for (const [field, want] of Object.entries(kase.expected as Record<string, unknown>)) {
      if (field === "clearing_type") expect(out.clearing_type).toBe(want);
      else
        expect(
          near(out[field], want as number, kase.tolerance[field] ?? 0),
          `${field}: ${out[field]}`,
        ).toBe(true);
    }
  });

  it.each(files("powermatcher"))("%s", async (file) => {
    const kase = JSON.parse(readFileSync(file, "utf8"));
    const r = await run(["clear", file]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["rejected_bids", "aggregate", "price"]);
    expect(out.rejected_bids).toEqual(kase.expected.rejected_bids);
    if (kase.expected.aggregate) expect(out.aggregate).toEqual(kase.expected.aggregate);
    if (kase.expected.price !== undefined && kase.expected.price_check === "round-to-step") {
      const { price_steps: n, min_price: min, max_price: max } = kase.market_basis;
      const step = (max - min) / (n - 1);
      expect(min + Math.round((out.price - min) / step) * step).toBe(kase.expected.price);
    }
  });
});

const GRIDLABD = {
  kind: "call-auction",
  rule: "gridlabd-auction",
  auction: { price_cap: 9999, special_mode: "NONE", bid_offset: 0.0001, clearing_scalar: 0.5 },
  buyers: [{ price: 40, quantity: 10, bidder: "b" }],
  sellers: [{ price: 30, quantity: 5, bidder: "s" }],
};

describe("transactive clear: input problems", () => {
  it("clears a case read from stdin, exactly", async () => {
    const r = await run(["clear", "-"], JSON.stringify(GRIDLABD));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '{"price":40,"quantity":5,"clearing_type":"MARGINAL_BUYER","marginal_quantity":5,"buyer_total_quantity":10,"seller_total_quantity":5,"seller_min_price":30}\n',
    );
  });

  it.each([
    ["not JSON", "{", "<stdin>: /: not JSON", "[bad-json]"],
    ["an array", "[]", "<stdin>: /: a clearing case must be a JSON object", "[bad-value]"],
    ["no family", "{}", "<stdin>: /kind:", "[missing]"],
    [
      "an unknown rule",
      JSON.stringify({ ...GRIDLABD, rule: "lmp" }),
      "<stdin>: /rule:",
      "[not-supported]",
    ],
    [
      "no auction",
      JSON.stringify({ ...GRIDLABD, auction: undefined }),
      "<stdin>: /auction:",
      "[missing]",
    ],
    [
      "a string price",
      JSON.stringify({ ...GRIDLABD, sellers: [{ price: "30", quantity: 5, bidder: "s" }] }),
      "<stdin>: /sellers[0]/price:",
      "[bad-value]",
    ],
    [
      "no bidder",
      JSON.stringify({ ...GRIDLABD, buyers: [{ price: 1, quantity: 5 }] }),
      "<stdin>: /buyers[0]/bidder:",
      "[missing]",
    ],
    [
      "a bad special mode",
      JSON.stringify({ ...GRIDLABD, auction: { special_mode: "BOTH" } }),
      "<stdin>: /auction/special_mode:",
      "[bad-value]",
    ],
    [
      "a negative fixed quantity",
      JSON.stringify({
        ...GRIDLABD,
        auction: { special_mode: "SELLERS_ONLY", fixed_quantity: -1 },
      }),
      "<stdin>: /auction/fixed_quantity:",
      "[bad-value]",
    ],
    [
      "a one-step market basis",
      JSON.stringify({
        kind: "bid-validation",
        market_basis: { price_steps: 1, min_price: 0, max_price: 1 },
        bids: [],
      }),
      "<stdin>: /market_basis/price_steps:",
      "[bad-value]",
    ],
    [
      "a non-numeric demand",
      JSON.stringify({
        kind: "bid-validation",
        market_basis: { price_steps: 2, min_price: 0, max_price: 1 },
        bids: [[1, null]],
      }),
      "<stdin>: /bids[0][1]:",
      "[bad-value]",
    ],
  ])("%s: exit 1 naming the path", async (_what, input, where, code) => {
    const r = await run(["clear", "-"], input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.startsWith(where)).toBe(true);
    expect(r.stderr.trim().endsWith(code)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("usage problems exit 2", async () => {
    expect((await run(["clear"])).code).toBe(2);
    expect((await run(["clear", "a.json", "b.json"])).code).toBe(2);
    const missing = await run(["clear", join(REPO, "no-such-case.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
  });

  it("a file argument works like stdin", async () => {
    const r = await run(["clear", tempFile(JSON.stringify(GRIDLABD), "json")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).price).toBe(40);
  });

  it("a real process reads stdin and exits 0, and 1 on a malformed case", () => {
    const bin = join(REPO, "packages/cli/src/bin.ts");
    const spawn = (input: string) =>
      spawnSync(
        process.execPath,
        ["--conditions=@transactive/source", "--import", "tsx", bin, "clear", "-"],
        {
          cwd: REPO,
          input,
          encoding: "utf8",
        },
      );
    const ok = spawn(JSON.stringify(GRIDLABD));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).clearing_type).toBe("MARGINAL_BUYER");
    const bad = spawn("{}");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^<stdin>: \/kind: /);
  });
});

/** Subject names: one token per ID with NATS's special characters encoded; bad input is typed. */
import { describe, expect, it } from "vitest";
import { ScaleError } from "./errors.js";
import { eiSubject, intervalSubject, ledgerSubject, simSubject, subjectToken } from "./subjects.js";

describe("subjects", () => {
  it("encodes '.', '*', '>', whitespace and '%' so an ID is one token", () => {
    expect(subjectToken("grid.0")).toBe("grid%2E0");
    expect(subjectToken("a*b>c d%e")).toBe("a%2Ab%3Ec%20d%25e");
    expect(subjectToken("tp0123abc")).toBe("tp0123abc");
  });

  it("names the EI, interval, ledger and simulation subjects", () => {
    expect(eiSubject("city", "EiTender")).toBe("transactive.market.city.ei.EiTender");
    expect(intervalSubject("grid.1", 42, "quote", "lab.x")).toBe(
      "lab.x.market.grid%2E1.interval.42.quote",
    );
    expect(ledgerSubject("TRANSACTIVE_LEDGER", "tpabc")).toBe(
      "transactive.ledger.TRANSACTIVE_LEDGER.record.tpabc",
    );
    expect(simSubject("tally", "transactive.run-1")).toBe("transactive.run-1.sim.tally");
  });

  it("refuses an empty ID, a bad prefix and a bad interval with ScaleError bad-option", () => {
    for (const f of [
      () => subjectToken(""),
      () => eiSubject("m", "EiTender", "bad prefix"),
      () => eiSubject("m", "EiTender", "a..b"),
      () => intervalSubject("m", -1, "tender"),
      () => intervalSubject("m", 1.5, "tender"),
    ]) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ScaleError);
        expect((e as ScaleError).code).toBe("bad-option");
      }
    }
  });
});

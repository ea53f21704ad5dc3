import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, sum } from "./decimal.js";
import { EmixError } from "./errors.js";

describe("Decimal", () => {
  it("reads xs:decimal and xs:float lexical forms exactly", () => {
    expect(Decimal.of("12.50").toString()).toBe("12.5");
    expect(Decimal.of("-.5").toString()).toBe("-0.5");
    expect(Decimal.of("1.5E3").toString()).toBe("1500");
    expect(Decimal.of("25e-4").toString()).toBe("0.0025");
    expect(Decimal.of(0.1).toString()).toBe("0.1");
    expect(Decimal.of(7n).toString()).toBe("7");
  });

  it("adds without float drift", () => {
    expect(Decimal.of("0.1").add("0.2").toString()).toBe("0.3");
    expect(sum(Array.from({ length: 10 }, () => "0.1")).toString()).toBe("1");
  });

  it("keeps quotients exact and rounds only on request", () => {
    const third = Decimal.of(1).div(3);
    expect(third.toFraction()).toBe("1/3");
    expect(third.mul(3).toString()).toBe("1");
    expect(() => third.toString()).toThrow(/no finite decimal form/);
    expect(third.toFixed(4)).toBe("0.3333");
    expect(Decimal.of("2").div(3).toFixed(2)).toBe("0.67");
  });

  it("rounds with each mode, to places and to increments such as half a cent", () => {
    expect(Decimal.of("0.125").toFixed(2, "half-even")).toBe("0.12");
    expect(Decimal.of("0.135").toFixed(2, "half-even")).toBe("0.14");
    expect(Decimal.of("0.125").toFixed(2, "half-up")).toBe("0.13");
    expect(Decimal.of("-0.125").toFixed(2, "half-up")).toBe("-0.13");
    expect(Decimal.of("-0.125").toFixed(2, "floor")).toBe("-0.13");
    expect(Decimal.of("-0.125").toFixed(2, "ceiling")).toBe("-0.12");
    expect(Decimal.of("0.121").toFixed(2, "up")).toBe("0.13");
    expect(Decimal.of("0.129").toFixed(2, "down")).toBe("0.12");
    expect(Decimal.of("0.0074").roundTo("0.005").toString()).toBe("0.005");
    expect(Decimal.of("0.0076").roundTo("0.005").toString()).toBe("0.01");
    expect(Decimal.of("-0.0001").toFixed(2)).toBe("0.00");
  });

  it("refuses what is not a finite decimal, naming the path", () => {
    for (const bad of ["", ".", "1.2.3", "abc", "INF", "NaN", Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => Decimal.of(bad as string, "/q")).toThrow(EmixError);
    try {
      Decimal.of("x", "/a/b");
    } catch (e) {
      expect((e as EmixError).path).toBe("/a/b");
      expect((e as EmixError).code).toBe("bad-decimal");
    }
    expect(() => Decimal.of(1).div(0)).toThrow(/division by zero/);
  });

  it("property: string round trip, and (a+b)-b = a", () => {
    const dec = fc
      .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 20 }))
      .map(([n, s]) => Decimal.of(n).shift(-s));
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        expect(Decimal.of(a.toString()).eq(a)).toBe(true);
        expect(a.add(b).sub(b).eq(a)).toBe(true);
        if (!b.isZero()) expect(a.div(b).mul(b).eq(a)).toBe(true);
      }),
    );
  });
});

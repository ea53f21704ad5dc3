import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "./decimal.js";
import { EmixError } from "./errors.js";
import { readItem, SI_SCALE, type SiScaleCode } from "./items.js";
import {
  add,
  compare,
  energyOver,
  formatQuantity,
  powerOver,
  quantity,
  toScale,
  total,
} from "./quantity.js";

const SCALES = Object.keys(SI_SCALE) as SiScaleCode[];

describe("quantities with units and SI scale", () => {
  it("converts kW <-> MW <-> W exactly", () => {
    const mw = quantity("1.5", "powerReal", "M");
    expect(formatQuantity(toScale(mw, "k"))).toBe("1500 kW");
    expect(formatQuantity(toScale(mw, "none"))).toBe("1500000 W");
    expect(formatQuantity(toScale(quantity("250", "powerReal", "k"), "M"))).toBe("0.25 MW");
  });

  it("adds across scales and units spelled two ways (W, J/s)", () => {
    const sum = add(quantity("1", "powerReal", "M"), quantity("250", "powerReal", "k", "J/s"));
    expect(formatQuantity(sum)).toBe("1.25 MW");
    expect(compare(quantity("1", "powerReal", "M"), quantity("1000", "powerReal", "k"))).toBe(0);
    expect(
      formatQuantity(
        total([quantity("0.1", "energyReal", "k"), quantity("0.2", "energyReal", "k")]),
      ),
    ).toBe("0.3 kWh");
  });

  it("refuses to mix incompatible items", () => {
    expect(() => add(quantity("1", "powerReal", "k"), quantity("1", "energyReal", "k"))).toThrow(
      /cannot add power:powerReal/,
    );
    expect(() => add(quantity("1", "powerReal", "k"), quantity("1", "powerReactive", "k"))).toThrow(
      EmixError,
    );
    expect(() =>
      add(
        quantity("20", "temperature", "none", "celsius"),
        quantity("70", "temperature", "none", "fahrenheit"),
      ),
    ).toThrow(EmixError);
    expect(() => toScale(quantity("20", "temperature", "none", "celsius"), "k")).toThrow(
      /not supported/,
    );
    expect(() => quantity("1", "powerReal", "k", "kW")).toThrow(/counted in W or J\/s/);
  });

  it("energy = power x duration, and back", () => {
    expect(formatQuantity(energyOver(quantity("5", "powerReal", "k"), 900))).toBe("1.25 kWh");
    const e = energyOver(quantity("5", "powerReal", "k"), 300);
    expect(e.value.toFraction()).toBe("5/12");
    expect(formatQuantity(powerOver(e, 300))).toBe("5 kW");
    expect(formatQuantity(energyOver(quantity("3", "powerReactive", "M"), 3600))).toBe("3 MVARh");
    expect(() => energyOver(quantity("230", "voltage"), 3600)).toThrow(/not a power item/);
  });

  it("reads items and checks the units and description their type fixes", () => {
    const item = readItem(
      "energyReal",
      { itemDescription: "RealEnergy", itemUnits: "Wh", siScaleCode: "k" },
      "/p/energyReal",
    );
    expect(item.scale).toBe("k");
    expect(() =>
      readItem(
        "energyReal",
        { itemDescription: "RealEnergy", itemUnits: "kWh", siScaleCode: "k" },
        "/p/energyReal",
      ),
    ).toThrow(expect.objectContaining({ path: "/p/energyReal/itemUnits", code: "item-units" }));
    expect(() =>
      readItem("voltage", { itemDescription: "Volts", itemUnits: "V", siScaleCode: "none" }, "/v"),
    ).toThrow(expect.objectContaining({ path: "/v/itemDescription" }));
    expect(() =>
      readItem(
        "currency",
        { itemDescription: "currency", itemUnits: "XYZ", siScaleCode: "none" },
        "/c",
      ),
    ).toThrow(expect.objectContaining({ code: "bad-currency" }));
    expect(() =>
      readItem(
        "powerReal",
        { itemDescription: "RealPower", itemUnits: "W", siScaleCode: "kilo" },
        "/r",
      ),
    ).toThrow(expect.objectContaining({ code: "bad-scale", path: "/r/siScaleCode" }));
    expect(
      readItem(
        "currencyPerKWh",
        { itemDescription: "currencyPerKWh", itemUnits: "USD", siScaleCode: "none" },
        "/c",
      ).units,
    ).toBe("USD");
  });

  it("property: conversion round trips through any scale are exact", () => {
    const value = fc
      .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }))
      .map(([n, s]) => Decimal.of(n).shift(-s));
    fc.assert(
      fc.property(
        value,
        fc.constantFrom(...SCALES),
        fc.constantFrom(...SCALES),
        fc.constantFrom(...SCALES),
        (v, a, b, c) => {
          const q = quantity(v, "powerReal", a);
          const back = toScale(toScale(toScale(q, b), c), a);
          expect(back.value.eq(v)).toBe(true);
          expect(compare(q, toScale(q, b))).toBe(0);
        },
      ),
    );
  });
});

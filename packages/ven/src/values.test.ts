import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  commandValues,
  fileValues,
  parseValues,
  simulatedMeter,
  ValuesFileError,
  valuesAt,
} from "./values.js";

const dir = mkdtempSync(join(tmpdir(), "transactive-ven-values-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = new Date("2026-07-01T12:30:00Z");

describe("values files", () => {
  it("reads CSV with a header in any column order, with or without dtstart", () => {
    const rows = parseValues(
      "# meter export\nvalue,rID,dtstart\n4.5,power,2026-07-01T12:00:00Z\n5.25,power,2026-07-01T13:00:00Z\n\n10,energy,\n",
    );
    expect(rows).toHaveLength(3);
    expect(valuesAt(rows, ["power", "energy"], at)).toEqual({
      values: new Map([
        ["power", 4.5],
        ["energy", 10],
      ]),
      problems: [],
    });
    // after 13:00 the later row holds
    expect(valuesAt(rows, ["power"], new Date("2026-07-01T13:00:00Z")).values.get("power")).toBe(
      5.25,
    );
  });
  it("reads JSON objects and arrays", () => {
    expect(
      valuesAt(parseValues('{"power": 3, "energy": 1.5}'), ["power"], at).values.get("power"),
    ).toBe(3);
    const rows = parseValues(
      '[{"rID":"power","value":1,"dtstart":"2026-07-01T12:00:00Z"},{"rID":"power","value":2,"dtstart":"2026-07-01T12:45:00Z"}]',
    );
    expect(valuesAt(rows, ["power"], at).values.get("power")).toBe(1);
  });
  it("says where a file is wrong", () => {
    expect(() => parseValues("rID,value\npower,abc\n", "m.csv")).toThrow(
      new ValuesFileError('m.csv: line 2: value: "abc" is not a finite number'),
    );
    expect(() => parseValues("power,4\n", "m.csv")).toThrow(
      /line 1: the header must name the columns rID and value/,
    );
    expect(() => parseValues("rID,value\npower\n", "m.csv")).toThrow(
      /line 2: 1 cells, the header has 2/,
    );
    expect(() => parseValues("rID,value,dtstart\npower,1,yesterday\n", "m.csv")).toThrow(
      /line 2: dtstart: "yesterday" is not an ISO 8601 date-time/,
    );
    expect(() => parseValues('[{"rID":"p"}]', "m.json")).toThrow(
      "m.json: [0].value: undefined is not a finite number",
    );
    expect(() => parseValues("{oops", "m.json")).toThrow(/m.json: not valid JSON/);
    expect(() => parseValues("", "m.csv")).toThrow(/empty/);
  });
  it("reports a missing value rather than inventing one", () => {
    expect(valuesAt(parseValues('{"power": 1}'), ["power", "energy"], at)).toEqual({
      values: new Map([["power", 1]]),
      problems: ["no value for rID energy at 2026-07-01T12:30:00.000Z"],
    });
  });
  it("re-reads the file at every sample and turns read errors into problems", async () => {
    const file = join(dir, "m.csv");
    const source = fileValues(file);
    expect((await source.read(["power"], at)).problems[0]).toMatch(/cannot read .*m\.csv: ENOENT/);
    writeFileSync(file, "rID,value\npower,7\n");
    expect((await source.read(["power"], at)).values.get("power")).toBe(7);
    writeFileSync(file, "rID,value\npower,8\n");
    expect((await source.read(["power"], at)).values.get("power")).toBe(8);
    writeFileSync(file, "rID,value\npower,x\n");
    expect((await source.read(["power"], at)).problems[0]).toMatch(/line 2: value/);
  });
});

describe("command values", () => {
  it("gives the command the time and rIDs, and reads an object or one number", async () => {
    const echo = commandValues(
      `node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const q=JSON.parse(s);console.log(JSON.stringify(Object.fromEntries(q.rIDs.map((r,i)=>[r,i+0.5]))))})"`,
    );
    expect((await echo.read(["power", "energy"], at)).values).toEqual(
      new Map([
        ["power", 0.5],
        ["energy", 1.5],
      ]),
    );
    expect(
      (await commandValues("echo 42").read(["power", "energy"], at)).values.get("energy"),
    ).toBe(42);
  });
  it("turns a failing or garbled command into problems", async () => {
    expect((await commandValues("exit 3").read(["power"], at)).problems[0]).toMatch(
      /exited with 3/,
    );
    expect((await commandValues("echo hello").read(["power"], at)).problems[0]).toMatch(
      /printed "hello", not JSON/,
    );
    expect((await commandValues('echo \'{"power":"x"}\'').read(["power"], at)).problems[0]).toMatch(
      /is not a finite number/,
    );
  });
});

describe("the simulated meter", () => {
  it("gives power around its base and energy that only grows", async () => {
    const meter = simulatedMeter({ random: () => 0.5 });
    const a = await meter.read(["power", "energy"], new Date("2026-07-01T12:00:00Z"));
    const b = await meter.read(["power", "energy"], new Date("2026-07-01T12:15:00Z"));
    for (const r of [a, b]) {
      expect(r.values.get("power")).toBeGreaterThanOrEqual(3);
      expect(r.values.get("power")).toBeLessThanOrEqual(7);
    }
    expect(a.values.get("energy")).toBe(0);
    expect(b.values.get("energy")).toBeGreaterThan(0.5);
  });
});

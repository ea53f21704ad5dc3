import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FOUR, streamPriceTender } from "./emix-fixtures.js";
import { REPO, run, tempFile } from "./helpers.js";

const vector = (p: string) => join(REPO, "conformance/ws-calendar", p);

// the first document of each profile compiles its codec plan: generous time on a busy machine
describe("transactive resolve", { timeout: 60_000 }, () => {
  it("prints the resolved schedule of an OpenADR event as JSON", async () => {
    const r = await run(["resolve", vector("openadr/event-sequence.xml")]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(
      out.schedules[0].intervals.map((i: { uid: string; start: string; end: string }) => [
        i.uid,
        i.start,
        i.end,
      ]),
    ).toEqual([
      ["0", "2026-07-01T18:00:00Z", "2026-07-01T18:15:00Z"],
      ["1", "2026-07-01T18:15:00Z", "2026-07-01T18:30:00Z"],
      ["2", "2026-07-01T18:30:00Z", "2026-07-01T18:45:00Z"],
    ]);
    expect(out.schedules[0].intervals[0].properties["x-eiNotification"]).toEqual({
      duration: "P1D",
    });
  });
  it("reads JSON too (xCal with time zones)", async () => {
    const r = await run(["resolve", vector("xcal/spring-forward.json")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).schedules[0].intervals[0].end).toBe("2026-03-08T05:00:00-04:00");
  });
  it("a resolution error: its path on stderr, exit 1", async () => {
    const r = await run(["resolve", vector("openadr/event-partition-mismatch.xml")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("/eiEvent/eiActivePeriod: the Intervals fill PT45M");
    expect(r.stderr).toContain("[partition-mismatch]");
  });
  it("an invalid document: the codec's issues, exit 1", async () => {
    const r = await run(
      ["resolve", "-"],
      "<xcal:vcalendar xmlns:xcal='urn:ietf:params:xml:ns:icalendar-2.0'><xcal:bogus/></xcal:vcalendar>",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^-: /);
  });
  it("a CTS stream: each interval shows the price and quantity the amount code uses", async () => {
    const file = tempFile(streamPriceTender());
    const r = await run(["resolve", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const product = "/pyld:eiCreateTender/eiTender/0/product";
    const [s] = JSON.parse(r.stdout).schedules;
    expect(s.path).toBe(product);
    // interval 0 gives only a quantity: the price is the stream's; interval 1 gives its own
    expect(s.intervals.map((i: { uid: string; emix: unknown }) => [i.uid, i.emix])).toEqual([
      [
        "0",
        {
          payload: "temixPower",
          price: { value: "0.15", kind: "absolute", from: `${product}/temixPower/price` },
          quantity: {
            value: "4",
            from: `${product}/intervals/streamInterval/0/temixPower/quantity`,
          },
        },
      ],
      [
        "1",
        {
          payload: "temixPower",
          price: {
            value: "0.2",
            kind: "absolute",
            from: `${product}/intervals/streamInterval/1/temixPower/price`,
          },
          quantity: {
            value: "8",
            from: `${product}/intervals/streamInterval/1/temixPower/quantity`,
          },
        },
      ],
    ]);
    // the same prices as transactive amounts computes with
    const amounts = JSON.parse((await run(["amounts", file, "--json"])).stdout);
    expect(
      amounts.products[0].intervals.map((i: { uid: string; price: string }) => [i.uid, i.price]),
    ).toEqual(
      s.intervals.map((i: { uid: string; emix: { price: { value: string } } }) => [
        i.uid,
        i.emix.price.value,
      ]),
    );
  }, 60_000);
  it("a CTS stream whose intervals each give a price: their own; no EMIX view outside EMIX", async () => {
    const r = JSON.parse((await run(["resolve", FOUR])).stdout);
    expect(
      r.schedules[0].intervals.map(
        (i: { emix: { price: { value: string } } }) => i.emix.price.value,
      ),
    ).toEqual(["0.1", "0.125", "0.2", "0.0975"]);
    const adr = JSON.parse((await run(["resolve", vector("openadr/event-sequence.xml")])).stdout);
    expect(adr.schedules[0].intervals[0].emix).toBeUndefined();
  }, 60_000);
  it("a stream interval with no price anywhere: resolve says so, amounts refuses it", async () => {
    const file = tempFile(
      streamPriceTender().replace("<emix:price><emix:value>0.15</emix:value></emix:price>", ""),
    );
    const r = await run(["resolve", file]);
    expect(r.code).toBe(0);
    const [first, second] = JSON.parse(r.stdout).schedules[0].intervals;
    expect(first.emix.price).toEqual({
      issue: "no price: neither the interval nor the stream gives one",
    });
    expect(second.emix.price.value).toBe("0.2");
    const a = await run(["amounts", file]);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain("/eiCreateTender/eiTender[0]/product/intervals/streamInterval[0]");
  }, 60_000);
  it("usage errors exit 2", async () => {
    expect((await run(["resolve"])).code).toBe(2);
    expect((await run(["resolve", "a.xml", "b.xml"])).code).toBe(2);
    expect((await run(["resolve", "/nonexistent/file.xml"])).code).toBe(2);
    expect((await run(["resolve", "--profile", "nope", "x.xml"])).code).toBe(2);
  });
});

import type { OadrDistributeEventType, OadrDistributeEventTypeOadrEvent } from "@transactive/ei";
import { EiFault } from "@transactive/ei";
import { describe, expect, it } from "vitest";
import { createEventBook } from "./events.js";
import { silentLogger } from "./log.js";
import { optAlways, optBySignal } from "./opt.js";

function event(
  eventID: string,
  modificationNumber: number,
  o: { status?: string; signal?: string; required?: "always" | "never" } = {},
): OadrDistributeEventTypeOadrEvent {
  return {
    eiEvent: {
      eventDescriptor: {
        eventID,
        modificationNumber,
        eiMarketContext: { marketContext: "http://market.example" },
        createdDateTime: "2026-07-01T12:00:00Z",
        eventStatus: o.status ?? "far",
      },
      eiActivePeriod: { properties: {} },
      eiEventSignals: {
        eiEventSignal: [
          {
            signalName: o.signal ?? "SIMPLE",
            signalType: "level",
            signalID: "s",
            intervals: { interval: [] },
          },
        ],
      },
      eiTarget: {},
    },
    oadrResponseRequired: o.required ?? "always",
  } as unknown as OadrDistributeEventTypeOadrEvent;
}
const dist = (...events: OadrDistributeEventTypeOadrEvent[]): OadrDistributeEventType => ({
  requestID: "d-1",
  vtnID: "VTN",
  oadrEvent: events,
});
const answered = (r: Awaited<ReturnType<ReturnType<typeof createEventBook>["distribute"]>>) =>
  r.created?.eiCreatedEvent.eventResponses?.eventResponse?.map((e) => [
    e.qualifiedEventID.eventID,
    e.qualifiedEventID.modificationNumber,
    e.optType,
    e.responseCode,
  ]);

describe("the event book", () => {
  it("answers new and modified events once, refuses older modifications, forgets events left out", async () => {
    const book = createEventBook(optBySignal(["SIMPLE"]), silentLogger);
    const first = await book.distribute(
      dist(event("a", 0), event("b", 0, { signal: "LOAD_DISPATCH" })),
      "VTN",
      "ven-1",
      "d-1",
    );
    expect(answered(first)).toEqual([
      ["a", 0, "optIn", "200"],
      ["b", 0, "optOut", "200"],
    ]);
    expect(first.created?.eiCreatedEvent).toMatchObject({
      venID: "ven-1",
      eiResponse: { responseCode: "200", requestID: "d-1" },
    });
    // the same modifications again: nothing is due
    expect(
      (await book.distribute(dist(event("a", 0), event("b", 0)), "VTN", "ven-1", "d-2")).created,
    ).toBeUndefined();
    // a modification is answered; an older one is out of sequence (450)
    expect(
      answered(await book.distribute(dist(event("a", 1), event("b", 0)), "VTN", "ven-1", "d-3")),
    ).toEqual([["a", 1, "optIn", "200"]]);
    expect(
      answered(await book.distribute(dist(event("a", 0), event("b", 0)), "VTN", "ven-1", "d-4")),
    ).toEqual([["a", 0, "optOut", "450"]]);
    // cancellation: acknowledged with optIn, the opt count unchanged
    expect(
      answered(
        await book.distribute(
          dist(event("a", 2, { status: "cancelled" }), event("b", 0)),
          "VTN",
          "ven-1",
          "d-5",
        ),
      ),
    ).toEqual([["a", 2, "optIn", "200"]]);
    expect([...book.optedIn]).toEqual(["a"]);
    // b left out: forgotten
    await book.distribute(dist(event("a", 2, { status: "cancelled" })), "VTN", "ven-1", "d-6");
    expect([...book.held.keys()]).toEqual(["a"]);
    expect(book.received.size).toBe(2);
  });
  it("gives an answer again when it did not reach the VTN; none for oadrResponseRequired never", async () => {
    const book = createEventBook(optAlways, silentLogger);
    const r = await book.distribute(
      dist(event("a", 0), event("n", 0, { required: "never" })),
      "VTN",
      "v",
      "d-1",
    );
    expect(answered(r)).toEqual([["a", 0, "optIn", "200"]]);
    book.unanswered(r.answers);
    expect(
      answered(
        await book.distribute(
          dist(event("a", 0), event("n", 0, { required: "never" })),
          "VTN",
          "v",
          "d-2",
        ),
      ),
    ).toEqual([["a", 0, "optIn", "200"]]);
  });
  it("refuses a distribution from another VTN and an event listed twice", async () => {
    const book = createEventBook(optAlways, silentLogger);
    await expect(book.distribute(dist(event("a", 0)), "OTHER", "v", "d")).rejects.toThrow(EiFault);
    await expect(book.distribute(dist(event("a", 0)), "OTHER", "v", "d")).rejects.toThrow(
      /registered with VTN OTHER, not VTN/,
    );
    const twice = await book.distribute(dist(event("a", 0), event("a", 0)), "VTN", "v", "d");
    expect(answered(twice)).toEqual([
      ["a", 0, "optIn", "200"],
      ["a", 0, "optOut", "454"],
    ]);
    expect(twice.created?.eiCreatedEvent.eiResponse.responseCode).toBe("454");
  });
});

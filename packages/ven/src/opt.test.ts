import { describe, expect, it } from "vitest";
import type { LogLevel } from "./log.js";
import { OptPolicyError, type OptRequest, optByCommand, parseOptPolicy } from "./opt.js";

const request = (signalNames: string[]): OptRequest => ({
  eventID: "e-1",
  modificationNumber: 0,
  eventStatus: "far",
  signalNames,
  oadrEvent: {} as OptRequest["oadrEvent"],
});

describe("opt policies", () => {
  it("parses always, never and by-signal", async () => {
    const lines: string[] = [];
    const log = (_l: LogLevel, m: string) => lines.push(m);
    expect(await parseOptPolicy("always")(request([]), log)).toBe("optIn");
    expect(await parseOptPolicy("never")(request(["SIMPLE"]), log)).toBe("optOut");
    const bySignal = parseOptPolicy("by-signal:SIMPLE, ELECTRICITY_PRICE");
    expect(await bySignal(request(["LOAD_DISPATCH", "ELECTRICITY_PRICE"]), log)).toBe("optIn");
    expect(await bySignal(request(["LOAD_DISPATCH"]), log)).toBe("optOut");
    expect(lines).toEqual([]);
  });
  it("refuses a bad --opt value with the accepted forms", () => {
    expect(() => parseOptPolicy("maybe")).toThrow(OptPolicyError);
    expect(() => parseOptPolicy("maybe")).toThrow(
      /always, never, by-signal:NAME\[,NAME...\] or command:CMD/,
    );
    expect(() => parseOptPolicy("by-signal:")).toThrow(/at least one signalName/);
    expect(() => parseOptPolicy("command:  ")).toThrow(/needs a command line/);
  });
  it("asks a command with the event as JSON, and opts out (with a warning) when it fails", async () => {
    const warnings: string[] = [];
    const log = (level: LogLevel, m: string) => {
      if (level === "warn") warnings.push(m);
    };
    const byStatus = optByCommand(
      `node -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>console.log(JSON.parse(s).eventID==='e-1'?'OPTOUT':'optIn'))"`,
    );
    expect(await byStatus(request([]), log)).toBe("optOut");
    expect(warnings).toEqual([]);
    expect(await optByCommand("echo optIn because")(request([]), log)).toBe("optIn");
    expect(await optByCommand("exit 4")(request([]), log)).toBe("optOut");
    expect(await optByCommand("echo perhaps")(request([]), log)).toBe("optOut");
    expect(await optByCommand("sleep 5", 200)(request([]), log)).toBe("optOut");
    expect(warnings).toEqual([
      'opt command for event e-1: "exit 4" exited with 4; opting out',
      'opt command for event e-1: answered "perhaps", not optIn or optOut; opting out',
      'opt command for event e-1: "sleep 5" did not finish within 200 ms; opting out',
    ]);
  });
});

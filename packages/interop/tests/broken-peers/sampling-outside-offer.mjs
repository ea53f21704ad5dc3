/**
 * Breaks `report-request`: the VTN requests every registered report at once (as openleadr's VTN
 * does) at PT10S, then sends the request with granularity PT2H, longer than any VEN offering
 * the usual PT1S to PT1H allows.
 */
import { payloadOf, runBrokenVtn } from "./broken-vtn.mjs";

await runBrokenVtn({
  vtn: { requestReportsOnRegister: { granularity: "PT10S" } },
  rewrite: (answer) =>
    payloadOf(answer) === "oadrRegisteredReport" || payloadOf(answer) === "oadrCreateReport"
      ? answer.replace(
          /(<(?:[\w.-]+:)?granularity>\s*<(?:[\w.-]+:)?duration>)[^<]*(<)/g,
          "$1PT2H$2",
        )
      : answer,
});

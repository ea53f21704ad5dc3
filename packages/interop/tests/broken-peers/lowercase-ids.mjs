/**
 * Breaks `ven-id`: the VTN assigns VEN_1 at registration but keeps IDs lower-cased, so every later
 * answer names the VEN ven_1 (IDs are case-sensitive: a VEN comparing them refuses the answers).
 */
import { payloadOf, runBrokenVtn } from "./broken-vtn.mjs";

await runBrokenVtn({
  rewrite: (answer) =>
    payloadOf(answer) === "oadrCreatedPartyRegistration"
      ? answer
      : answer.replace(
          /(<(?:[\w.-]+:)?venID>)([^<]*)(<\/(?:[\w.-]+:)?venID>)/g,
          (_, open, id, close) => `${open}${id.toLowerCase()}${close}`,
        ),
});

/**
 * Breaks `modification-number`: every event goes out with modificationNumber 0, so a modified
 * event looks unchanged to a VEN that trusts the number.
 */
import { runBrokenVtn } from "./broken-vtn.mjs";

await runBrokenVtn({
  rewrite: (answer) =>
    answer.replace(
      /(<(?:[\w.-]+:)?modificationNumber>)\d+(<\/(?:[\w.-]+:)?modificationNumber>)/g,
      "$10$2",
    ),
});

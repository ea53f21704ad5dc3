/**
 * Breaks `request-id-echo`: every eiResponse answers with an empty requestID instead of echoing the
 * request's (a failure seen in the field: answers a VEN cannot match to its requests).
 */
import { runBrokenVtn } from "./broken-vtn.mjs";

await runBrokenVtn({
  rewrite: (answer) =>
    answer.replace(
      /(<(?:[\w.-]+:)?eiResponse\b[\s\S]*?<(?:[\w.-]+:)?requestID\b[^>]*>)[^<]*(<)/g,
      "$1$2",
    ),
});

/** CTS documents made from the repository's EMIX vectors, for the amounts and resolve tests. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./helpers.js";

/** A tender of four 15-minute intervals of kW, each with its own price. */
export const FOUR = join(REPO, "conformance/emix/temix/tender-4x15m-kw.xml");

/** The 4 x 15 min kW tender with the price given once, by the stream, and overridden by interval 1. */
export function streamPriceTender(): string {
  const xml = readFileSync(FOUR, "utf8");
  const intervals = /<streams:intervals>[\s\S]*<\/streams:intervals>/.exec(xml)?.[0] ?? "";
  const iv = (uid: string, body: string) =>
    `<streams:streamInterval><streams:uid>${uid}</streams:uid><power:temixPower>${body}</power:temixPower></streams:streamInterval>`;
  return xml
    .replace(
      "<power:temixPower><power:powerReal>",
      "<power:temixPower><emix:price><emix:value>0.15</emix:value></emix:price><power:powerReal>",
    )
    .replace(
      intervals,
      `<streams:intervals>${iv("0", "<emix:quantity>4</emix:quantity>")}${iv(
        "1",
        "<emix:price><emix:value>0.2</emix:value></emix:price><emix:quantity>8</emix:quantity>",
      )}</streams:intervals>`,
    );
}

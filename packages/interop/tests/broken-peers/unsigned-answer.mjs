/**
 * Breaks `signature`: the VTN verifies the VEN's XML Signatures (against the CA in the file named
 * by TRUST_CA) but answers unsigned.
 */
import { readFileSync } from "node:fs";
import { xmlSignature } from "@transactive/ei-node";
import { runBrokenVtn } from "./broken-vtn.mjs";

const ca = process.env.TRUST_CA;
if (!ca) {
  process.stderr.write("unsigned-answer: set TRUST_CA to the PEM file of the CA to trust\n");
  process.exit(2);
}
await runBrokenVtn({
  rewrite: (answer) => answer,
  vtn: { signature: xmlSignature({ verify: { trustedCertificates: [readFileSync(ca, "utf8")] } }) },
});

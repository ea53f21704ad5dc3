/**
 * The operations timed on each document set. One operation processes every document of the set
 * once; baselines are raw fast-xml-parser 5.12.1 with the options in documents.ts.
 */
import {
  decodeXml,
  encodeXml,
  fromJson,
  type Registry,
  readXml,
  toJson,
  validate,
} from "@transactive/codec";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
// internal: the breakdown times the decode step alone, on the tree readXml gave
import { decodeTree } from "../src/decode.js";
import {
  BASELINE_BUILDER_OPTIONS,
  BASELINE_PARSER_OPTIONS,
  type DocumentSet,
} from "./documents.js";

export type CaseId =
  | "parse"
  | "read"
  | "decode"
  | "decode-validate"
  | "decode-tree"
  | "validate"
  | "build"
  | "encode"
  | "to-json"
  | "from-json";

export interface Case {
  readonly id: CaseId;
  readonly label: string;
  /** the baseline this case is compared with */
  readonly baseline?: CaseId;
  readonly run: () => unknown;
}

/** Every case of a set; a returned value keeps the work from being optimized away. */
export function casesFor(registry: Registry, set: DocumentSet): Case[] {
  const { docs } = set;
  const parser = new XMLParser(BASELINE_PARSER_OPTIONS);
  const builder = new XMLBuilder(BASELINE_BUILDER_OPTIONS);
  const each = (f: (d: (typeof docs)[number]) => unknown) => (): unknown => {
    let last: unknown;
    for (const d of docs) last = f(d);
    return last;
  };
  return [
    { id: "parse", label: "baseline: XMLParser.parse", run: each((d) => parser.parse(d.text)) },
    { id: "read", label: "readXml", baseline: "parse", run: each((d) => readXml(d.text)) },
    {
      id: "decode",
      label: "decodeXml",
      baseline: "parse",
      run: each((d) => decodeXml(registry, d.text)),
    },
    {
      id: "decode-validate",
      label: "decodeXml with validate (content model + JSON Schema facets)",
      baseline: "parse",
      run: each((d) => decodeXml(registry, d.text, { validate: true })),
    },
    // the per-message breakdown of decodeXml with validate: reader, tree -> model, validation
    {
      id: "decode-tree",
      label: "breakdown: decodeTree (tree -> model)",
      run: each((d) => decodeTree(registry, d.tree)),
    },
    {
      id: "validate",
      label: "breakdown: validate (JSON Schema facets)",
      // what decodeXml's validate step runs: the content model was enforced while decoding
      run: each((d) => validate(registry, d.doc, { profile: false })),
    },
    { id: "build", label: "baseline: XMLBuilder.build", run: each((d) => builder.build(d.fxp)) },
    {
      id: "encode",
      label: "encodeXml",
      baseline: "build",
      run: each((d) => encodeXml(registry, d.doc)),
    },
    { id: "to-json", label: "toJson", run: each((d) => toJson(d.doc)) },
    {
      id: "from-json",
      label: "fromJson (validates)",
      run: each((d) => fromJson(registry, d.json)),
    },
  ];
}

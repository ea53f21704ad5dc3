/**
 * The document sets the benchmark runs on: (a) the valid OpenADR samples of the shared OASIS
 * corpus, (b) and (c) a generated OpenADR 2.0b oadrPayload carrying an oadrDistributeEvent with
 * 1 and 10 events of 288 five-minute intervals (a day of prices or levels per event).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CodecDocument,
  decodeXml,
  encodeXml,
  formatIssue,
  type Registry,
  readXml,
  toJson,
  validate,
  type XmlElement,
  type XmlLimits,
} from "@transactive/codec";
import { XMLParser } from "fast-xml-parser";
import { BASELINE_PARSER_OPTIONS } from "../../../scripts/bench/baseline.js";

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");

export { BASELINE_PARSER_OPTIONS };

/** Options of the XMLBuilder baseline; entities stay as parsed (processEntities: false above). */
export const BASELINE_BUILDER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  processEntities: false,
} as const;

export interface BenchDocument {
  readonly name: string;
  readonly text: string;
  /** UTF-8 size of `text` */
  readonly bytes: number;
  /** our reader's tree of `text`, input of the decodeTree breakdown row */
  readonly tree: XmlElement;
  readonly doc: CodecDocument;
  readonly json: string;
  /** raw fast-xml-parser preserveOrder output, input of the XMLBuilder baseline */
  readonly fxp: unknown;
}

export interface DocumentSet {
  readonly id: string;
  readonly title: string;
  readonly docs: readonly BenchDocument[];
  readonly bytes: number;
  readonly notes: readonly string[];
  /** corpus only: the sample files as read (the xmllint baseline parses the same bytes) */
  readonly files?: readonly string[];
}

const baselineParser = new XMLParser(BASELINE_PARSER_OPTIONS);

/** Prepares one document; returns a reason instead when our codec cannot take it as valid. */
function prepare(
  registry: Registry,
  name: string,
  text: string,
  limits?: Partial<XmlLimits>,
): BenchDocument | string {
  let doc: CodecDocument;
  try {
    doc = decodeXml(registry, text, limits === undefined ? {} : { limits });
  } catch (e) {
    return `decodeXml failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
  }
  const issues = validate(registry, doc);
  const first = issues[0];
  if (first !== undefined)
    return `validate reported ${issues.length} issue(s): ${formatIssue(first)}`;
  let tree: XmlElement | undefined;
  let json: string | undefined;
  return {
    name,
    text,
    bytes: Buffer.byteLength(text, "utf8"),
    // made on first use (outside the timed loops): the 100k set needs neither
    get tree() {
      return (tree ??= readXml(text, limits));
    },
    doc,
    get json() {
      return (json ??= toJson(doc));
    },
    fxp: baselineParser.parse(text),
  };
}

function makeSet(
  id: string,
  title: string,
  docs: BenchDocument[],
  notes: string[] = [],
  files?: string[],
): DocumentSet {
  const bytes = docs.reduce((n, d) => n + d.bytes, 0);
  return files === undefined
    ? { id, title, docs, bytes, notes }
    : { id, title, docs, bytes, notes, files };
}

/** Text from bytes by byte order mark (one corpus sample is UTF-16BE), UTF-8 otherwise. */
function bytesToText(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

export function oasisDir(): string {
  return process.env.TRANSACTIVE_OASIS_DIR ?? resolve(REPO_ROOT, "../shared/oasis");
}

/** (a) Every sample marked valid in validation.tsv, or why the set is skipped. */
export function loadCorpus(registry: Registry): DocumentSet | string {
  const dir = oasisDir();
  let manifest: string;
  try {
    manifest = readFileSync(join(dir, "validation.tsv"), "utf8");
  } catch {
    return `skipped: no ${join(dir, "validation.tsv")} (set TRANSACTIVE_OASIS_DIR)`;
  }
  const docs: BenchDocument[] = [];
  const notes: string[] = [];
  const files: string[] = [];
  for (const line of manifest.split("\n").slice(1)) {
    const [sample, , result] = line.split("\t");
    if (sample === undefined || result !== "valid") continue;
    let prepared: BenchDocument | string;
    try {
      prepared = prepare(registry, sample, bytesToText(readFileSync(join(dir, sample))));
    } catch (e) {
      prepared = `unreadable: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (typeof prepared === "string") notes.push(`left out ${sample}: ${prepared}`);
    else {
      docs.push(prepared);
      files.push(join(dir, sample));
    }
  }
  if (docs.length === 0) return `skipped: no usable valid sample in ${dir}`;
  return makeSet(
    "corpus",
    `OASIS corpus: ${docs.length} valid OpenADR 2.0a/2.0b samples`,
    docs,
    notes,
    files,
  );
}

const START = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

function event(index: number, intervals: number): unknown {
  const start = START + index * 24 * 60 * MINUTE;
  return {
    eiEvent: {
      eventDescriptor: {
        eventID: `EVT_${index}`,
        modificationNumber: 0,
        priority: 1,
        eiMarketContext: { marketContext: "http://market.example.com/day-ahead" },
        createdDateTime: iso(START - 60 * MINUTE),
        eventStatus: "far",
        testEvent: "false",
        vtnComment: "generated benchmark event",
      },
      eiActivePeriod: {
        properties: {
          dtstart: { "date-time": iso(start) },
          duration: { duration: `PT${intervals * 5}M` },
          "x-eiNotification": { duration: "PT60M" },
        },
        components: null,
      },
      eiEventSignals: {
        eiEventSignal: [
          {
            intervals: {
              interval: Array.from({ length: intervals }, (_, i) => ({
                duration: { duration: "PT5M" },
                uid: { text: String(i) },
                signalPayload: [{ payloadFloat: { value: ((i * 37 + index * 11) % 400) / 100 } }],
              })),
            },
            signalName: "ELECTRICITY_PRICE",
            signalType: "price",
            signalID: `SIG_${index}`,
            currentValue: { payloadFloat: { value: 0 } },
          },
        ],
      },
      eiTarget: { venID: ["VEN_1"] },
    },
    oadrResponseRequired: "always",
  };
}

/** Reader limits raised for the largest generated set (default: 16 MiB, 2M elements). */
export const LARGE_LIMITS: Partial<XmlLimits> = {
  maxBytes: 64 * 1024 * 1024,
  maxElements: 8_000_000,
};

/** (b)/(c) The model of a generated oadrPayload, encoded once with our encoder to get the text. */
export function generatedSet(registry: Registry, events: number, intervals: number): DocumentSet {
  const doc: CodecDocument = {
    profile: "openadr2b",
    element: "oadr:oadrPayload",
    value: {
      oadrSignedObject: {
        oadrDistributeEvent: {
          "@ei:schemaVersion": "2.0b",
          eiResponse: { responseCode: "200", responseDescription: "OK", requestID: "REQ_1" },
          requestID: "REQ_1",
          vtnID: "VTN_1",
          oadrEvent: Array.from({ length: events }, (_, k) => event(k, intervals)),
        },
      },
    },
  };
  const name = `oadrDistributeEvent-${events}x${intervals}`;
  const text = encodeXml(registry, doc);
  // a 100k-interval document (about 24 MB) is over the reader's default 16 MiB input limit
  const limits = text.length > 8 * 1024 * 1024 ? LARGE_LIMITS : undefined;
  const prepared = prepare(registry, name, text, limits);
  if (typeof prepared === "string") throw new Error(`generated ${name}: ${prepared}`);
  const title = `Generated oadrPayload/oadrSignedObject/oadrDistributeEvent, ${events} event${events > 1 ? "s" : ""} x ${intervals} intervals`;
  return makeSet(`event-${events}x${intervals}`, title, [prepared]);
}

/** XSD built-in simple types: their JSON Schema form and the primitive the codec converts them with. */
import type { Primitive } from "./values.js";

export type { Primitive };

export interface Builtin {
  readonly primitive: Primitive;
  readonly schema: Record<string, unknown>;
}

const str = (extra: Record<string, unknown> = {}): Builtin => ({
  primitive: "string",
  schema: { type: "string", ...extra },
});
/** types whose whiteSpace facet is "collapse": the value is the collapsed text */
const tok = (): Builtin => ({ primitive: "token", schema: { type: "string" } });
const bounded = (minimum: number, maximum: number): Builtin => ({
  primitive: "int",
  schema: { type: "integer", minimum, maximum },
});
const bigInt = (pattern: string, bounds?: Record<string, string>): Builtin => ({
  primitive: "integer",
  schema: { type: "string", pattern, ...(bounds ? { "x-bounds": bounds } : {}) },
});

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  string: str(),
  normalizedString: str(),
  anySimpleType: str(),
  token: tok(),
  language: tok(),
  Name: tok(),
  NCName: tok(),
  NMTOKEN: tok(),
  NMTOKENS: tok(),
  ID: tok(),
  IDREF: tok(),
  IDREFS: tok(),
  ENTITY: tok(),
  ENTITIES: tok(),
  anyURI: tok(),
  QName: tok(),
  NOTATION: tok(),
  base64Binary: str({ pattern: "^[A-Za-z0-9+/=\\s]*$" }),
  hexBinary: str({ pattern: "^([0-9a-fA-F]{2})*$" }),
  gYear: tok(),
  gYearMonth: tok(),
  gMonth: tok(),
  gMonthDay: tok(),
  gDay: tok(),
  boolean: { primitive: "boolean", schema: { type: "boolean" } },
  decimal: {
    primitive: "decimal",
    schema: { type: "string", pattern: "^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)$" },
  },
  integer: bigInt("^[+-]?\\d+$"),
  long: bigInt("^[+-]?\\d+$", {
    minInclusive: "-9223372036854775808",
    maxInclusive: "9223372036854775807",
  }),
  nonNegativeInteger: bigInt("^\\+?\\d+$"),
  positiveInteger: bigInt("^\\+?0*[1-9]\\d*$"),
  nonPositiveInteger: bigInt("^(-\\d+|[+-]?0+)$"),
  negativeInteger: bigInt("^-0*[1-9]\\d*$"),
  unsignedLong: bigInt("^\\+?\\d+$", { maxInclusive: "18446744073709551615" }),
  int: bounded(-2147483648, 2147483647),
  short: bounded(-32768, 32767),
  byte: bounded(-128, 127),
  unsignedInt: bounded(0, 4294967295),
  unsignedShort: bounded(0, 65535),
  unsignedByte: bounded(0, 255),
  float: {
    primitive: "float",
    schema: { anyOf: [{ type: "number" }, { enum: ["INF", "-INF", "NaN"] }] },
  },
  double: {
    primitive: "float",
    schema: { anyOf: [{ type: "number" }, { enum: ["INF", "-INF", "NaN"] }] },
  },
  dateTime: { primitive: "dateTime", schema: { type: "string", format: "xsd-dateTime" } },
  date: { primitive: "date", schema: { type: "string", format: "xsd-date" } },
  time: { primitive: "time", schema: { type: "string", format: "xsd-time" } },
  duration: { primitive: "duration", schema: { type: "string", format: "xsd-duration" } },
};

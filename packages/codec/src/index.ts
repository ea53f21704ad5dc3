export { BUILTINS, type Builtin } from "./builtins.js";
export { type Check, SchemaCompileError, typeCheck } from "./check/schema.js";
export { XSI } from "./compile.js";
export { type DecodeOptions, decodeXml, profilesFor } from "./decode.js";
export type * from "./descriptors.js";
export type { CodecDocument } from "./document.js";
export { type EncodeOptions, encodeXml } from "./encode.js";
export {
  at,
  CodecError,
  describeIssue,
  formatIssue,
  formatIssues,
  type Issue,
  type IssueCode,
  type IssueExtras,
  type IssueOf,
  issue,
  makeIssue,
  type SourcePosition,
  shorten,
  xmlIssue,
} from "./errors.js";
export { PROFILES } from "./gen/profiles.js";
export {
  type AnyElementHandle,
  type CreateOptions,
  create,
  type ElementHandle,
  elementHandle,
  type HandleDocument,
  type HandleOptions,
  isElementHandle,
  type ProfileOf,
  type ProfileTypes,
  type ValueOf,
} from "./handle.js";
export { infosetDiff } from "./infoset.js";
export { type FromJsonOptions, fromJson, type JsonOptions, toJson, toJsonObject } from "./json.js";
export {
  createRegistry,
  getProfile,
  type Profile,
  type Registry,
  type TypeEntry,
} from "./registry.js";
export { type DecodedText, decodeText, sniffFormat, type TextFormat } from "./text.js";
export { type ValidateOptions, validate } from "./validate.js";
export {
  fromLexical,
  isXsdDate,
  isXsdDateTime,
  isXsdDuration,
  isXsdTime,
  type Primitive,
  toLexical,
} from "./values.js";
export * from "./xml/index.js";

export { BUILTINS, type Builtin } from "./builtins.js";
export { complexPlan, derivesFrom, XSI } from "./compile.js";
export { type DecodeOptions, decodeTree, decodeXml, profilesFor } from "./decode.js";
export type * from "./descriptors.js";
export type { CodecDocument } from "./document.js";
export { type EncodeOptions, encodeTree, encodeXml } from "./encode.js";
export { CodecError, formatIssue, type Issue, type IssueCode } from "./errors.js";
export { PROFILES } from "./gen/profiles.js";
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
export { typeValidator, type ValidateOptions, validate } from "./validate.js";
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

export { HELP, main, version } from "./cli.js";
export { type ConvertCommandOptions, convertCommand, type OutputFormat } from "./convert.js";
export { detectFormat, EXIT, type ExitCode, type InputFormat, type Io, UsageError } from "./io.js";
export { type Loaded, type LoadOptions, loadDocument } from "./load.js";
export { type ValidateCommandOptions, validateCommand } from "./validate.js";
export {
  CTS_EMIX_BASE_MEMBERS,
  hasXmllint,
  oasisDir,
  patchCtsEmix,
  XSD_ROOTS,
  type XsdError,
  XsdUnavailableError,
  type XsdVerdict,
  xmllintValidate,
  xsdFor,
} from "./xsd.js";

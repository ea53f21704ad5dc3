export { HELP, main, version } from "./cli.js";
export { type ConvertCommandOptions, convertCommand, type OutputFormat } from "./convert.js";
export { detectFormat, EXIT, type ExitCode, type InputFormat, type Io, UsageError } from "./io.js";
export { type Loaded, type LoadOptions, loadDocument } from "./load.js";
export { type ValidateCommandOptions, validateCommand } from "./validate.js";

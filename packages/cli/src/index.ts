export { type Command, type CommandRunner, HELP, main, version } from "./cli.js";
export {
  CONVERT_HELP,
  type ConvertCommandOptions,
  convertArgs,
  convertCommand,
  type OutputFormat,
} from "./convert.js";
export {
  checkProfile,
  detectFormat,
  EXIT,
  type ExitCode,
  type InputFormat,
  type Io,
  type LazyIo,
  UsageError,
} from "./io.js";
export { type Loaded, type LoadOptions, loadDocument } from "./load.js";
export {
  VALIDATE_HELP,
  type ValidateCommandOptions,
  validateArgs,
  validateCommand,
} from "./validate.js";

export { haveOasis, repoRoot } from "./oasis.js";
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

export { readXml } from "./read.js";
export {
  DEFAULT_XML_LIMITS,
  isXmlElement,
  XML_NS,
  XMLNS_NS,
  type XmlAttribute,
  type XmlElement,
  XmlError,
  type XmlErrorCode,
  type XmlLimits,
  type XmlNode,
  type XmlPosition,
  type XmlText,
} from "./types.js";
export { type WriteXmlOptions, writeFragment, writeXml } from "./write.js";

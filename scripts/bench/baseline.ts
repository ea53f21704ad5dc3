/**
 * The raw fast-xml-parser baseline every package's benchmark compares against: an ordered parse
 * that keeps attributes and leaves values as text, as close to what our reader produces as
 * fast-xml-parser's options allow.
 */
export const BASELINE_PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignorePiTags: true,
  ignoreDeclaration: true,
  // callbacks get a matcher instead of a path string built for every tag
  jPath: false,
} as const;

export { FILE_TITLES, FILES, PROFILES as PROFILE_SOURCES, type ProfileSource } from "./config.js";
export { convertProfile, type ProfileDescriptors } from "./convert.js";
export { emitSchemas } from "./emit.js";
export { expanded, loadXsdSet, splitExpanded, type XsdSet } from "./xsd-load.js";

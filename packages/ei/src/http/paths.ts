/**
 * Where each wire profile puts its services. OpenADR 2.0b fixes the prefix "/OpenADR2/Simple/2.0b/"
 * followed by the service name (EiEvent, EiReport, EiRegisterParty, EiOpt, OadrPoll); the CTS
 * profile has no fixed prefix, and this binding uses "/cts/" + service (EiTender, EiQuote…).
 */
export const SERVICE_PATH_PREFIX = {
  openadr2b: "/OpenADR2/Simple/2.0b/",
  cts: "/cts/",
} as const;

export type ServedProfile = keyof typeof SERVICE_PATH_PREFIX;

/** The path of a service under a profile, e.g. ("openadr2b", "EiEvent") -> "/OpenADR2/Simple/2.0b/EiEvent". */
export function servicePath(profile: ServedProfile, service: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(service))
    throw new RangeError(`service name must be letters and digits, got "${service}"`);
  return `${SERVICE_PATH_PREFIX[profile]}${service}`;
}

/**
 * Shared setup of the property tests: the values the generator must use where the JSON Schemas do
 * not carry an XSD facet (each gap is listed with the XSD rule it stands for, so that it can be
 * removed once the schemas carry it).
 */
import type { ArbitraryOptions } from "@transactive/codec/testing";

export const PROFILE_NAMES = ["openadr2b", "openadr2a", "cts", "xcal", "xcal-strict"] as const;

/**
 * XSD facets missing from schemas/*.schema.json (schema-import gaps: validate() accepts values
 * that the XSD rejects). Keyed as ArbitraryOptions.samples: simple type qname, or
 * "<complex type>/<element>" for a local element declaration.
 */
const COMMON_SAMPLES: Readonly<Record<string, readonly unknown[]>> = {
  // a restriction of xs:anyURI (primitive "token" in the schemas)
  "emix:MarketContextType": ["http://market.example.com/ctx", "urn:x:market"],
  // fixed="…" on local element declarations of the EMIX power item types
  "power:EnergyApparentType/power:itemDescription": ["ApparentEnergy"],
  "power:EnergyApparentType/power:itemUnits": ["VAh"],
  "power:EnergyReactiveType/power:itemDescription": ["ReactiveEnergy"],
  "power:EnergyReactiveType/power:itemUnits": ["VARh"],
  "power:EnergyRealType/power:itemDescription": ["RealEnergy"],
  "power:EnergyRealType/power:itemUnits": ["Wh"],
  "power:PowerApparentType/power:itemDescription": ["ApparentPower"],
  "power:PowerApparentType/power:itemUnits": ["VA"],
  "power:PowerReactiveType/power:itemDescription": ["ReactivePower"],
  "power:PowerReactiveType/power:itemUnits": ["VAR"],
  "power:PowerRealType/power:itemDescription": ["RealPower"],
  "power:VoltageType/power:itemDescription": ["Voltage"],
  "power:VoltageType/power:itemUnits": ["V"],
};

export const SAMPLES: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>> = {
  openadr2b: {
    ...COMMON_SAMPLES,
    // fixed="…" on local element declarations of the OpenADR item types
    "oadr:CurrentType/oadr:itemDescription": ["Current"],
    "oadr:CurrentType/oadr:itemUnits": ["A"],
    "oadr:FrequencyType/oadr:itemDescription": ["Frequency"],
    "oadr:FrequencyType/oadr:itemUnits": ["Hz"],
    "oadr:ThermType/oadr:itemDescription": ["Therm"],
    "oadr:ThermType/oadr:itemUnits": ["thm"],
    "oadr:temperatureType/oadr:itemDescription": ["temperature"],
    "oadr:pulseCountType/oadr:itemDescription": ["pulse count"],
    "oadr:pulseCountType/oadr:itemUnits": ["count"],
    // list of xs:double (the JSON Schema has a plain string)
    "gml:doubleList": ["1.5 -2 3E4", "0"],
    // restrictions of xs:hexBinary; XSD maxLength counts octets, the JSON Schema's counts characters
    "espi:HexBinary8": [""],
    "espi:HexBinary16": ["", "0A"],
    "espi:HexBinary32": ["", "0A1B"],
    "espi:HexBinary128": ["", "00112233AABBCCDD"],
    "espi:DstRuleType": ["", "0A1B"],
    // restrictions of xs:base64Binary
    "ds:CryptoBinary": ["", "AAAA", "q83vEjRWeJA="],
    "ds:DigestValueType": ["", "AAAA", "q83vEjRWeJA="],
    "dsig11:ECPointType": ["", "AAAA", "q83vEjRWeJA="],
    // XSD's \w excludes punctuation such as "_", JavaScript's does not
    "atom:emailType": ["a@example.com", "x1@b.c.org"],
    // this profile's enumeration; the JSON Schema holds the union with OpenADR 2.0a's ("product")
    "ei:SignalTypeEnumeratedType": [
      "delta",
      "level",
      "multiplier",
      "price",
      "priceMultiplier",
      "priceRelative",
      "setpoint",
      "x-loadControlCapacity",
      "x-loadControlLevelOffset",
      "x-loadControlPercentOffset",
      "x-loadControlSetpoint",
    ],
  },
  openadr2a: {
    "emix:MarketContextType": COMMON_SAMPLES["emix:MarketContextType"] ?? [],
    // this profile's enumeration (see openadr2b)
    "ei:SignalTypeEnumeratedType": [
      "delta",
      "level",
      "multiplier",
      "price",
      "priceMultiplier",
      "priceRelative",
      "product",
      "setpoint",
    ],
  },
  cts: { ...COMMON_SAMPLES },
  xcal: {
    // minInclusive/maxInclusive of xs:integer restrictions (integers are strings in JSON, so the bounds were dropped)
    "xcal:BymonthRecurType": ["1", "12", "+6"],
    "xcal:BymonthdayRecurType": ["-31", "31", "7"],
  },
};

/** Generator options for a profile: its samples, plus `extra`. */
export function arbitraryOptions(profile: string, extra: ArbitraryOptions = {}): ArbitraryOptions {
  return { samples: SAMPLES[profile] ?? {}, ...extra };
}

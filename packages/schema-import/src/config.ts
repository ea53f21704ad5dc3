/** Which XSD sets are imported as which profile, and which canonical prefix and schema file each namespace gets. */
export interface ProfileSource {
  readonly name: string;
  readonly title: string;
  /** root XSDs, relative to the OASIS artifacts folder */
  readonly roots: readonly string[];
  /** namespace URI -> canonical prefix */
  readonly namespaces: Readonly<Record<string, string>>;
  /**
   * Documented defects of a profile's XSD set, repaired on import (and in a temporary copy when the
   * tests validate against that set): global element (expanded name) -> substitution group head.
   */
  readonly errata?: Readonly<Record<string, { substitutionGroup: string; why: string }>>;
}

const EI = "http://docs.oasis-open.org/ns/energyinterop/201110";
const EMIX = "http://docs.oasis-open.org/ns/emix/2011/06";
const XCAL = "urn:ietf:params:xml:ns:icalendar-2.0";
const ISO4217 = "urn:un:unece:uncefact:codelist:standard:5:ISO42173A:2010-04-07";
const SISCALE = "http://docs.oasis-open.org/ns/emix/2011/06/siscale";

export const PROFILES: readonly ProfileSource[] = [
  {
    name: "openadr2b",
    title: "OpenADR 2.0b",
    // oadr_20b.xsd does not import the XML-signature properties schema (ReplayProtect): add it
    roots: [
      "OpenLEADR-openleadr-python/openleadr/schema/oadr_20b.xsd",
      "OpenLEADR-openleadr-python/openleadr/schema/oadr_xmldsig-properties-schema.xsd",
    ],
    namespaces: {
      "http://openadr.org/oadr-2.0b/2012/07": "oadr",
      "http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties": "oadrdsig",
      [EI]: "ei",
      [`${EI}/payloads`]: "pyld",
      [EMIX]: "emix",
      [`${EMIX}/power`]: "power",
      [SISCALE]: "scale",
      [ISO4217]: "clm5ISO42173A",
      [XCAL]: "xcal",
      [`${XCAL}:stream`]: "strm",
      "http://www.w3.org/2000/09/xmldsig#": "ds",
      "http://www.w3.org/2009/xmldsig11#": "dsig11",
      "http://www.w3.org/2005/Atom": "atom",
      "http://naesb.org/espi": "espi",
      "http://www.opengis.net/gml/3.2": "gml",
      "http://www.w3.org/XML/1998/namespace": "xml",
    },
  },
  {
    name: "openadr2a",
    title: "OpenADR 2.0a",
    roots: ["avob-OpenADR/OpenADRModel20a/xsd/oadr20a_schema/oadr_20a.xsd"],
    namespaces: {
      "http://openadr.org/oadr-2.0a/2012/07": "oadr",
      [EI]: "ei",
      [`${EI}/payloads`]: "pyld",
      [EMIX]: "emix",
      [XCAL]: "xcal",
      [`${XCAL}:stream`]: "strm",
    },
  },
  {
    name: "cts",
    title: "CTS 0.4",
    roots: [
      "EnergyMashupLab-CTS-schemas/schemas/xsd/EiPayloads.xsd",
      "EnergyMashupLab-CTS-schemas/schemas/xsd/emix-terms.xsd",
      "EnergyMashupLab-CTS-schemas/schemas/xsd/power.xsd",
    ],
    namespaces: {
      [`${EI}/cts.04`]: "ei",
      [`${EI}/payloads/cts.04`]: "pyld",
      [`${EMIX}/cts.04`]: "emix",
      [`${EMIX}/power/cts.04`]: "power",
      [SISCALE]: "scale",
      [ISO4217]: "clm5ISO42173A",
      "http://docs.oasis-open.org/ws-calendar/ns/min-xcal/2015/12": "xcalmin",
      "http://docs.oasis-open.org/ws-calendar/ns/streams/201606": "streams",
    },
    errata: Object.fromEntries(
      ["product", "emixOption", "delivery"].map((local) => [
        `{${EMIX}/cts.04}${local}`,
        {
          substitutionGroup: `{${EMIX}/cts.04}emixBase`,
          why: "CTS 0.4 declares emix:emixBase abstract and references it from tenders, quotes and transactions, but declares no element in its substitution group, so no tender can be valid. EMIX 1.0 places product, option and delivery there.",
        },
      ]),
    ),
  },
  {
    // the extensible Bedework set: every component carries properties and components, so
    // WS-Calendar intervals and gluons can hold dtstart, duration, related-to with gap…
    name: "xcal",
    title: "xCal with the WS-Calendar 1.0 extensions",
    roots: ["Bedework-bw-xml/src/main/schemas/icalendar/iCalendar.xsd"],
    namespaces: { [XCAL]: "xcal" },
  },
  {
    // the strict Bedework set: each component lists the properties RFC 5545 allows it
    name: "xcal-strict",
    title: "xCal with the WS-Calendar 1.0 extensions (strict component schemas)",
    roots: ["Bedework-bw-xml/src/main/schemas/icalendar-strict/iCalendar.xsd"],
    namespaces: { [XCAL]: "xcal" },
  },
];

/** canonical prefix -> schema file (under schemas/) */
export const FILES: Readonly<Record<string, string>> = {
  xcal: "ws-calendar",
  strm: "ws-calendar",
  xcalmin: "ws-calendar",
  streams: "ws-calendar",
  emix: "emix",
  power: "emix",
  scale: "emix",
  clm5ISO42173A: "emix",
  ei: "ei",
  pyld: "ei",
  oadr: "openadr",
  oadrdsig: "openadr",
  ds: "xmldsig",
  dsig11: "xmldsig",
  atom: "greenbutton",
  espi: "greenbutton",
  gml: "greenbutton",
  xml: "xmldsig",
};

export const FILE_TITLES: Readonly<Record<string, string>> = {
  "ws-calendar":
    "WS-Calendar: xCal components and properties with the WS-Calendar extensions, EI streams, WS-Calendar MIN and Streams",
  emix: "EMIX: products, items, prices, terms, power items and scale codes",
  ei: "Energy Interoperation: classes and service payloads",
  openadr: "OpenADR 2.0: the oadr elements that the OpenADR profile adds to Energy Interoperation",
  xmldsig: "XML Signature (W3C), as used by OpenADR 2.0b signed payloads",
  greenbutton:
    "Atom, NAESB ESPI (Green Button) and GML elements, as carried by OpenADR 2.0b reports",
};

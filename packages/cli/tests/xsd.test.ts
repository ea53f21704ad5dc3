import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CTS_EMIX_BASE_MEMBERS,
  OPENADR2B_DRIVER,
  oasisDir,
  patchCtsEmix,
  XSD_ROOTS,
  XsdUnavailableError,
  xmllintValidate,
  xsdFor,
  xsdOracle,
} from "@transactive/conformance";
import { describe, expect, it } from "vitest";
import { example, REPO, requireXsd, SKIP_OASIS_XSDS, SKIP_XSD, tempFile } from "./helpers.js";

describe("CTS erratum", () => {
  it("patches exactly the elements that schemas/profiles.json lists in cts.errata", () => {
    const profiles = JSON.parse(readFileSync(join(REPO, "schemas/profiles.json"), "utf8"));
    const errata = profiles.profiles.cts.errata as Record<string, { substitutionGroup: string }>;
    const emix = "{http://docs.oasis-open.org/ns/emix/2011/06/cts.04}";
    expect(Object.keys(errata).sort()).toEqual(
      CTS_EMIX_BASE_MEMBERS.map((n) => `${emix}${n}`).sort(),
    );
    for (const e of Object.values(errata)) expect(e.substitutionGroup).toBe(`${emix}emixBase`);
  });

  it("adds substitutionGroup to each element once, leaving others alone", () => {
    const xsd = [
      '<xs:element name="product" type="emix:ProductType">',
      '<xs:element name="productDescription" type="x"/>',
      '<xs:element name="emixOption" type="emix:EmixOptionType">',
      '<xs:element name="delivery" type="emix:DeliveryType"/>',
    ].join("\n");
    const patched = patchCtsEmix(xsd);
    expect(patched).toBe(
      [
        '<xs:element name="product" substitutionGroup="emix:emixBase" type="emix:ProductType">',
        '<xs:element name="productDescription" type="x"/>',
        '<xs:element name="emixOption" substitutionGroup="emix:emixBase" type="emix:EmixOptionType">',
        '<xs:element name="delivery" substitutionGroup="emix:emixBase" type="emix:DeliveryType"/>',
      ].join("\n"),
    );
    expect(() => patchCtsEmix(patched)).toThrow(XsdUnavailableError);
    expect(() => patchCtsEmix('<xs:element name="product"/>')).toThrow("emix:emixOption not found");
  });

  it("rejects an unknown profile", async () => {
    await expect(xsdFor("openadr3")).rejects.toThrow('no XSD is known for profile "openadr3"');
  });
});

describe.skipIf(SKIP_OASIS_XSDS)(
  "the OpenADR 2.0b XSD includes the XML-signature properties",
  () => {
    const DSP = "http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties";
    const documents = new Map([
      [
        "ok",
        `<dsp:ReplayProtect xmlns:dsp="${DSP}"><dsp:timestamp>2026-12-02T04:30:00Z</dsp:timestamp><dsp:nonce>4f1c</dsp:nonce></dsp:ReplayProtect>`,
      ],
      [
        "no nonce",
        `<dsp:ReplayProtect xmlns:dsp="${DSP}"><dsp:timestamp>2026-12-02T04:30:00Z</dsp:timestamp></dsp:ReplayProtect>`,
      ],
      ["payload", readFileSync(example("openadr2b-distribute-event.xml"), "utf8")],
    ]);

    it.each(["xmllint", "xmllint-wasm"] as const)(
      "%s: ReplayProtect validates, one without its nonce does not, payloads still do",
      async (engine) => {
        if (engine === "xmllint" && SKIP_XSD) return;
        const oracle = await xsdOracle(engine);
        const verdicts = await oracle.validate("openadr2b", documents);
        expect(verdicts.get("ok")).toEqual({ valid: true, errors: [] });
        expect(verdicts.get("no nonce")?.valid).toBe(false);
        expect(JSON.stringify(verdicts.get("no nonce")?.errors)).toMatch(/nonce/);
        expect(verdicts.get("payload")).toEqual({ valid: true, errors: [] });
      },
    );

    it("is a driver in a copy of the OpenADR 2.0b folder that imports both", async () => {
      const root = await xsdFor("openadr2b");
      expect(root.startsWith(oasisDir())).toBe(false);
      expect(readFileSync(root, "utf8")).toBe(OPENADR2B_DRIVER);
      expect(existsSync(join(root, "../oadr_20b.xsd"))).toBe(true);
      expect(existsSync(join(root, "../oadr_xmldsig-properties-schema.xsd"))).toBe(true);
    });
  },
);

describe.skipIf(SKIP_XSD)("xsdFor and xmllintValidate", () => {
  it("finds the root XSD of every profile; cts and openadr2b are copies", async () => {
    requireXsd();
    for (const profile of Object.keys(XSD_ROOTS)) {
      const path = await xsdFor(profile);
      expect(existsSync(path), path).toBe(true);
      if (profile === "cts") {
        expect(path.startsWith(oasisDir())).toBe(false);
        const emix = readFileSync(join(path, "../../schemas/xsd/emix.xsd"), "utf8");
        for (const name of CTS_EMIX_BASE_MEMBERS)
          expect(emix).toContain(`<xs:element name="${name}" substitutionGroup="emix:emixBase"`);
      } else if (profile === "openadr2b")
        expect(readFileSync(path, "utf8")).toBe(OPENADR2B_DRIVER); // tested above
      else expect(path).toBe(join(oasisDir(), XSD_ROOTS[profile] as string));
    }
  });

  it("the CTS tender is invalid under the unpatched XSD and valid under the patched copy", async () => {
    requireXsd();
    const tender = example("cts-create-tender.xml");
    const upstream = join(oasisDir(), XSD_ROOTS.cts as string);
    const before = (await xmllintValidate(upstream, [tender])).get(tender);
    expect(before?.valid).toBe(false);
    expect(before?.errors[0]?.message).toContain("product");
    expect((await xmllintValidate(await xsdFor("cts"), [tender])).get(tender)).toEqual({
      valid: true,
      errors: [],
    });
  });

  it("returns a verdict per file from one run, with line numbers", async () => {
    requireXsd();
    const good = example("openadr2a-distribute-event.xml");
    const bad = tempFile(
      readFileSync(good, "utf8").replace("<ei:vtnID>vtn-example-coop</ei:vtnID>", ""),
    );
    const malformed = tempFile("<oadr:oadrDistributeEvent");
    const verdicts = await xmllintValidate(await xsdFor("openadr2a"), [good, bad, malformed]);
    expect(verdicts.get(good)).toEqual({ valid: true, errors: [] });
    expect(verdicts.get(bad)?.valid).toBe(false);
    expect(verdicts.get(bad)?.errors).toEqual([
      {
        line: 12,
        message: expect.stringContaining(
          "oadrEvent': This element is not expected. Expected is ( {http://docs.oasis-open.org/ns/energyinterop/201110}vtnID )",
        ),
      },
    ]);
    expect(verdicts.get(malformed)?.valid).toBe(false);
    expect(verdicts.get(malformed)?.errors.length).toBeGreaterThan(0);
  });

  it("throws XsdUnavailableError when the schema does not compile", async () => {
    requireXsd();
    const broken = tempFile(
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="nope"/></xs:schema>',
      "xsd",
    );
    await expect(
      xmllintValidate(broken, [example("openadr2a-distribute-event.xml")]),
    ).rejects.toThrow(XsdUnavailableError);
  });
});

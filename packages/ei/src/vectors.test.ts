// biome-ignore-all lint/suspicious/noExplicitAny: the tests read decoded JSON responses loosely
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeXml, toJsonObject, validate } from "@transactive/codec";
import { hasXmllint, oasisDir, xmllintValidate, xsdFor } from "@transactive/conformance";
import { describe, expect, it } from "vitest";
import { defaultRole, OPERATIONS, receives } from "./catalog.js";
import { registry } from "./registry.js";
import { SCENARIOS, setupDispatcher } from "./vectors.js";

const DIR = fileURLToPath(new URL("../../../conformance/ei", import.meta.url));
const CI = process.env.CI === "true";
const read = (p: string) => readFileSync(p, "utf8");
const cases = (group: string) =>
  readdirSync(join(DIR, group))
    .filter((f) => f.endsWith(".case.json"))
    .sort()
    .map((f) => ({ file: f, kase: JSON.parse(read(join(DIR, group, f))) as Record<string, any> }));

describe.each(["openadr2b", "cts"] as const)("conformance/ei/%s", (profile) => {
  const list = cases(profile);

  it("has one request and one response per operation the reference services receive", () => {
    const expected = OPERATIONS.filter(
      (o) =>
        receives(o, defaultRole(profile)) && (o.profiles as readonly string[]).includes(profile),
    ).map((o) => o.operation);
    const covered = list.map(({ kase }) =>
      (kase.id as string).replace(/^ei\.[a-z0-9]+\.\d\d-/, ""),
    );
    // CTS createPartyRegistration cannot be XSD-valid (abstract ei:EiRegistrationInfoType, no extension in CTS 0.4)
    const exempt = profile === "cts" ? ["createPartyRegistration"] : [];
    expect(new Set(covered)).toEqual(new Set(expected.filter((o) => !exempt.includes(o))));
  });

  it("replays in order against the reference services and gets each expected response", async () => {
    const d = setupDispatcher(profile);
    for (const { file, kase } of list) {
      const res = await d.dispatch({ body: read(join(DIR, profile, kase.xml)) });
      expect(res.status, file).toBe(200);
      expect(toJsonObject(decodeXml(registry, res.body)), file).toEqual(
        JSON.parse(read(join(DIR, profile, kase.expect.response))),
      );
    }
    // the first messages build the codec's plans and validators: slow on a loaded machine
  }, 60_000);

  it("gives the same response to the JSON form, in JSON", async () => {
    const d = setupDispatcher(profile);
    for (const { file, kase } of list) {
      const res = await d.dispatch({ body: read(join(DIR, profile, kase.json)) });
      expect(res.contentType, file).toBe("application/json");
      expect(JSON.parse(res.body), file).toEqual(
        JSON.parse(read(join(DIR, profile, kase.expect.response))),
      );
    }
  });

  it("has JSON files equal to what the codec makes of the XML files", () => {
    for (const { kase } of list)
      for (const [x, j] of [
        [kase.xml, kase.json],
        [kase.xml.replace(".request.xml", ".response.xml"), kase.expect.response],
      ]) {
        const doc = decodeXml(registry, read(join(DIR, profile, x)));
        expect(validate(registry, doc), x).toEqual([]);
        expect(toJsonObject(doc), x).toEqual(JSON.parse(read(join(DIR, profile, j))));
      }
  });

  it.skipIf(!CI && !hasXmllint())("validates every XML file against the official XSD", async () => {
    const files = readdirSync(join(DIR, profile))
      .filter((f) => f.endsWith(".xml"))
      .map((f) => join(DIR, profile, f));
    expect(files.length).toBe(list.length * 2);
    const verdicts = await xmllintValidate(await xsdFor(profile), files);
    for (const f of files)
      expect(verdicts.get(f)?.valid, `${f}: ${JSON.stringify(verdicts.get(f)?.errors)}`).toBe(true);
  });
});

describe("conformance/ei/oasis", () => {
  const list = cases("oasis");
  it.skipIf(!CI && !existsSync(join(oasisDir(), "validation.tsv")))(
    "references every schema-valid OpenADR sample, each a message of the catalog",
    () => {
      const valid = read(join(oasisDir(), "validation.tsv"))
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split("\t"))
        .filter(([sample, , verdict]) => verdict === "valid" && sample?.startsWith("avob-OpenADR/"))
        .map(([sample]) => sample);
      expect(new Set(list.map(({ kase }) => kase.oasis))).toEqual(new Set(valid));
      const messages = new Set(
        OPERATIONS.flatMap((o) => [o.request, o.response, ...(o.alsoResponds ?? [])]),
      );
      for (const { kase } of list) {
        const doc = decodeXml(registry, readFileSync(join(oasisDir(), kase.oasis)));
        expect(doc.profile, kase.oasis).toBe(kase.profile);
        const signed =
          doc.element === "oadr:oadrPayload"
            ? Object.keys((doc.value as any).oadrSignedObject).filter((k) => !k.startsWith("@"))
            : [];
        const element = signed.length ? `oadr:${signed[0]}` : doc.element;
        expect(messages.has(element), `${kase.oasis}: ${element}`).toBe(true);
      }
    },
  );
});

describe("vector scenarios", () => {
  it("cover both served profiles", () => {
    expect(SCENARIOS.map((s) => s.profile)).toEqual(["openadr2b", "cts"]);
  });
});

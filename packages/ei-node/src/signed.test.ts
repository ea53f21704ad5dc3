/**
 * XML Signature on a real OpenADR 2.0b endpoint (127.0.0.1): the dispatcher verifies every
 * incoming oadrPayload on its bytes as received and signs every answer; the typed client signs
 * its requests and verifies the answers. Unsigned, untrusted, tampered, replayed and JSON requests
 * get an EI response with code 463, and the server keeps serving. Keys are made at test time.
 */
import { encodeXml } from "@transactive/codec";
import { createDispatcher, registry, SignatureError } from "@transactive/ei";
import { createReferenceDispatcher } from "@transactive/ei/reference";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePki, SKIP_OPENSSL, type TestPki } from "../tests/pki.js";
import { createEiClient } from "./client.js";
import { type RunningEiServer, startEiServer } from "./server.js";
import { signOadrPayload } from "./signature/sign.js";
import { verifyOadrPayload } from "./signature/verify.js";
import { createTypedEiClient } from "./typed-client.js";
import { xmlSignature } from "./xml-signature.js";

const query = (requestID: string) => ({
  profile: "openadr2b",
  element: "oadr:oadrPayload",
  value: {
    oadrSignedObject: {
      oadrQueryRegistration: { "@ei:schemaVersion": "2.0b", requestID },
    },
  },
});

/** responseCode and description of an OpenADR answer's eiResponse */
function eiResponseOf(body: string): { code: string | undefined; description: string | undefined } {
  return {
    code: /<ei:responseCode>([^<]*)</.exec(body)?.[1],
    description: /<ei:responseDescription>([^<]*)</.exec(body)?.[1],
  };
}

describe.skipIf(SKIP_OPENSSL)("signed OpenADR 2.0b endpoint", () => {
  let pki: TestPki;
  let vtn: { key: string; cert: string };
  let ven: { key: string; cert: string };
  let server: RunningEiServer;
  beforeAll(async () => {
    pki = makePki();
    vtn = pki.issue("vtn-signer", "signer", "rsa");
    ven = pki.issue("ven-signer", "signer", "ec");
    server = await startEiServer({
      dispatcher: createReferenceDispatcher({
        signature: xmlSignature({
          sign: { privateKey: vtn.key, certificate: vtn.cert },
          verify: { trustedCertificates: [pki.ca.cert] },
        }),
      }),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    pki?.dispose();
  });

  const trust = () => ({ trustedCertificates: [pki.ca.cert] });
  const rawClient = () => createEiClient({ baseUrl: server.url, verify: trust() });

  it("serves a signing typed client: requests signed, answers verified", async () => {
    const client = createTypedEiClient({
      baseUrl: server.url,
      profile: "openadr2b",
      signing: { privateKey: ven.key, certificate: ven.cert },
      verify: trust(),
    });
    const queried = await client.EiRegisterParty.queryRegistration({ requestID: "q-1" });
    expect(queried.value.eiResponse.responseCode).toBe("200");
    expect(queried.reply.signature?.ok).toBe(true);
    expect(queried.reply.body).toMatch(/^<\?xml[^>]*\?>\s*<oadr:oadrPayload[^>]*><ds:Signature/);
    const registered = await client.EiRegisterParty.createPartyRegistration({
      requestID: "reg-1",
      oadrProfileName: "2.0b",
      oadrTransportName: "simpleHttp",
      oadrReportOnly: false,
      oadrXmlSignature: true,
      oadrVenName: "signed-ven",
      oadrHttpPullModel: true,
    });
    expect(registered.value.eiResponse.responseCode).toBe("200");
    const venID = registered.value.venID as string;
    const polled = await client.OadrPoll.poll({ venID });
    expect(polled.element).toBe("oadr:oadrResponse");
    expect(polled.reply.signature?.ok).toBe(true);
    await client.close();
  });

  it("refuses an unsigned request with 463, in a signed answer", async () => {
    const client = rawClient();
    const reply = await client.send("EiRegisterParty", query("q-unsigned"));
    expect(reply.status).toBe(200);
    expect(eiResponseOf(reply.body)).toEqual({
      code: "463",
      description: expect.stringMatching(/signature refused \(unsigned\)/),
    });
    // refused before routing: an oadrResponse echoing the requestID
    expect(reply.body).toContain("<oadr:oadrResponse");
    expect(reply.body).toContain("<pyld:requestID>q-unsigned</pyld:requestID>");
    expect(reply.signature?.ok).toBe(true);
    await client.close();
  });

  it("refuses a signer the endpoint does not trust, a tampered payload and a replay", async () => {
    const client = rawClient();
    const xml = encodeXml(registry, query("q-signed"));
    const stranger = signOadrPayload(xml, {
      privateKey: pki.otherCa.key,
      certificate: pki.otherCa.cert,
    });
    expect(eiResponseOf((await client.send("EiRegisterParty", stranger)).body)).toEqual({
      code: "463",
      description: expect.stringMatching(/signature refused \(untrusted-key\)/),
    });
    const good = signOadrPayload(xml, { privateKey: ven.key, certificate: ven.cert });
    const tampered = good.replace(">q-signed<", ">q-forged<");
    expect(tampered).not.toBe(good);
    expect(eiResponseOf((await client.send("EiRegisterParty", tampered)).body)).toEqual({
      code: "463",
      description: expect.stringMatching(/signature refused \(digest\)/),
    });
    // the original is accepted once (bytes as sent), then refused as a replay
    const first = await client.send("EiRegisterParty", new TextEncoder().encode(good));
    expect(eiResponseOf(first.body).code).toBe("200");
    const again = await client.send("EiRegisterParty", good);
    expect(eiResponseOf(again.body)).toEqual({
      code: "463",
      description: expect.stringMatching(/signature refused \(replay\)/),
    });
    await client.close();
  });

  it("refuses JSON (a signature covers XML bytes) and keeps serving", async () => {
    const client = createEiClient({ baseUrl: server.url, format: "json" });
    const reply = await client.send("EiRegisterParty", query("q-json"));
    expect(reply.status).toBe(200);
    const inner = (
      (reply.document ?? { value: undefined }).value as {
        oadrSignedObject: {
          oadrResponse: { eiResponse: { responseCode: string; responseDescription: string } };
        };
      }
    ).oadrSignedObject.oadrResponse;
    expect(inner.eiResponse.responseCode).toBe("463");
    expect(inner.eiResponse.responseDescription).toMatch(/send XML, not JSON/);
    // a signing client refuses to send a signed payload as JSON at all
    const signing = createEiClient({
      baseUrl: server.url,
      format: "json",
      signing: { privateKey: ven.key, certificate: ven.cert },
    });
    await expect(signing.send("EiRegisterParty", query("q-json-2"))).rejects.toThrow(
      /signed oadrPayload travels as XML only/,
    );
    const typed = createTypedEiClient({
      baseUrl: server.url,
      profile: "openadr2b",
      signing: { privateKey: ven.key, certificate: ven.cert },
      verify: trust(),
    });
    expect(
      (await typed.EiRegisterParty.queryRegistration({ requestID: "q-after" })).value.eiResponse
        .responseCode,
    ).toBe("200");
    await Promise.all([client.close(), signing.close(), typed.close()]);
  });

  it("makes the typed client throw when an answer is unsigned or signed by an untrusted key", async () => {
    const plain = await startEiServer({ dispatcher: createReferenceDispatcher() });
    try {
      const typed = createTypedEiClient({
        baseUrl: plain.url,
        profile: "openadr2b",
        verify: trust(),
      });
      const error = await typed.EiRegisterParty.queryRegistration({ requestID: "q" }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SignatureError);
      expect((error as SignatureError).issues[0]?.code).toBe("unsigned");
      const other = createTypedEiClient({
        baseUrl: server.url,
        profile: "openadr2b",
        signing: { privateKey: ven.key, certificate: ven.cert },
        verify: { trustedCertificates: [pki.otherCa.cert] },
      });
      const untrusted = await other.EiRegisterParty.queryRegistration({ requestID: "q2" }).catch(
        (e: unknown) => e,
      );
      expect((untrusted as SignatureError).issues[0]?.code).toBe("untrusted-key");
      await Promise.all([typed.close(), other.close()]);
    } finally {
      await plain.close();
    }
  });

  it("signs what the dispatcher answers, verifiable on its own bytes", async () => {
    const d = createReferenceDispatcher({
      signature: xmlSignature({ sign: { privateKey: vtn.key, certificate: vtn.cert } }),
    });
    const res = await d.dispatch({ body: encodeXml(registry, query("q-direct")) });
    expect(verifyOadrPayload(res.body, trust()).ok).toBe(true);
  });

  it("xmlSignature refuses a signing key or certificate that does not parse, when made", () => {
    expect(() => xmlSignature({ sign: { privateKey: "# README", certificate: vtn.cert } })).toThrow(
      /signature.sign.privateKey is not a private key/,
    );
    expect(() => xmlSignature({ sign: { privateKey: vtn.key, certificate: "# README" } })).toThrow(
      /signature.sign.certificate is not an X.509 certificate/,
    );
    expect(() =>
      xmlSignature({ sign: { privateKey: vtn.key, certificate: vtn.cert } }),
    ).not.toThrow();
  });
});

describe("dispatcher signature options", () => {
  it("are refused for CTS and without trust", () => {
    expect(() =>
      createReferenceDispatcher({
        profile: "cts",
        signature: xmlSignature({ verify: { publicKey: "x" } }),
      }),
    ).toThrow(/XML Signature is part of the OpenADR 2.0b profile/);
    expect(() => xmlSignature({ verify: {} })).toThrow(/needs trustedCertificates or a publicKey/);
    expect(createDispatcher({ profile: "openadr2b", implementations: {} }).services).toEqual([]);
  });
});

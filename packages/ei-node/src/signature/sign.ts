/**
 * Signs an OpenADR 2.0b oadrPayload: a ds:Signature enveloped in the oadrPayload, before the
 * oadrSignedObject, with one Reference to the oadrSignedObject (by its Id) and one to a ds:Object
 * holding the ReplayProtect signature property (timestamp + nonce), as the OpenADR 2.0b security
 * profile lays out. RSA-SHA256 or ECDSA-SHA256 (from the key type), SHA-256 digests, exclusive
 * canonicalization; the signer's certificate goes into KeyInfo/X509Data.
 */
import { createPrivateKey, type KeyObject, randomUUID, X509Certificate } from "node:crypto";
import { SignatureError } from "@transactive/ei";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import {
  DSIG_NS,
  DSP_NS,
  ECDSA_SHA256,
  EcdsaSha256,
  EXC_C14N,
  OADR_NS,
  RSA_SHA256,
  SHA256,
} from "./algorithms.js";
import { signedText } from "./text.js";

/** The signer's key and certificate, and the ReplayProtect values and oadrSignedObject Id to sign with. */
export interface SignOptions {
  /** the signer's private key (PEM, or a KeyObject): RSA or EC P-256 */
  readonly privateKey: string | Buffer | KeyObject;
  /** the signer's X.509 certificate (PEM), placed in KeyInfo */
  readonly certificate: string | Buffer;
  /** ReplayProtect timestamp (default: now) */
  readonly timestamp?: Date;
  /** ReplayProtect nonce (default: a random UUID) */
  readonly nonce?: string;
  /** Id given to the oadrSignedObject when it has none (default "signedObject") */
  readonly signedObjectId?: string;
}

const SIGNED_OBJECT_XPATH = `/*[local-name(.)='oadrPayload' and namespace-uri(.)='${OADR_NS}']/*[local-name(.)='oadrSignedObject' and namespace-uri(.)='${OADR_NS}']`;

/** Returns the signed oadrPayload as text (UTF-8 when written out). Throws SignatureError. */
export function signOadrPayload(xml: string | Uint8Array, options: SignOptions): string {
  const doc = new DOMParser().parseFromString(signedText(xml), "text/xml");
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== OADR_NS || root.localName !== "oadrPayload")
    throw new SignatureError([
      { code: "not-oadr-payload", path: "/", message: "only an oadr:oadrPayload can be signed" },
    ]);
  const children = Array.from(root.childNodes).filter((n) => n.nodeType === 1) as Element[];
  if (children.some((c) => c.namespaceURI === DSIG_NS && c.localName === "Signature"))
    throw new SignatureError([
      {
        code: "structure",
        path: "/oadrPayload/Signature",
        message: "the oadrPayload is already signed",
      },
    ]);
  const signedObject = children.find(
    (c) => c.namespaceURI === OADR_NS && c.localName === "oadrSignedObject",
  );
  if (!signedObject || children.length !== 1)
    throw new SignatureError([
      {
        code: "structure",
        path: "/oadrPayload",
        message: "an oadrPayload to sign must hold exactly one oadrSignedObject",
      },
    ]);
  // the XSD's attributeFormDefault is qualified: the attribute is oadr:Id
  const id = signedObject.getAttributeNS(OADR_NS, "Id") || options.signedObjectId || "signedObject";
  if (!signedObject.hasAttributeNS(OADR_NS, "Id")) {
    const prefix =
      signedObject.prefix && signedObject.namespaceURI === OADR_NS ? signedObject.prefix : "oadr";
    signedObject.setAttributeNS(OADR_NS, `${prefix}:Id`, id);
  }
  const unique = `${id}-${randomUUID()}`;
  const signatureId = `sig-${unique}`;
  const propertiesId = `replay-${unique}`;

  const key = createPrivateKey(options.privateKey as string | Buffer);
  const type = key.asymmetricKeyType;
  if (type !== "rsa" && type !== "ec")
    throw new SignatureError([
      {
        code: "algorithm",
        path: "/",
        message: `keys of type ${type} cannot sign OpenADR 2.0b payloads; use RSA or EC P-256`,
      },
    ]);
  const certificate = new X509Certificate(options.certificate);
  const timestamp = (options.timestamp ?? new Date()).toISOString();
  const nonce = options.nonce ?? randomUUID();

  const sig = new SignedXml({
    privateKey: key.export({ format: "pem", type: "pkcs8" }),
    publicCert: certificate.toString(),
    signatureAlgorithm: type === "ec" ? ECDSA_SHA256 : RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
    getKeyInfoContent: SignedXml.getKeyInfoContent,
    objects: [
      {
        attributes: { Id: propertiesId },
        content:
          `<ds:SignatureProperties><ds:SignatureProperty Target="#${signatureId}">` +
          `<dsp:ReplayProtect xmlns:dsp="${DSP_NS}"><dsp:timestamp>${timestamp}</dsp:timestamp>` +
          `<dsp:nonce>${escapeText(nonce)}</dsp:nonce></dsp:ReplayProtect></ds:SignatureProperty></ds:SignatureProperties>`,
      },
    ],
  });
  sig.SignatureAlgorithms[ECDSA_SHA256] = EcdsaSha256;
  sig.addReference({ xpath: SIGNED_OBJECT_XPATH, transforms: [EXC_C14N], digestAlgorithm: SHA256 });
  sig.addReference({
    xpath: `//*[local-name(.)='Object' and @Id='${propertiesId}']`,
    transforms: [EXC_C14N],
    digestAlgorithm: SHA256,
  });
  sig.computeSignature(new XMLSerializer().serializeToString(doc), {
    prefix: "ds",
    attrs: { Id: signatureId },
    location: { reference: "/*", action: "prepend" },
  });
  return sig.getSignedXml();
}

const escapeText = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

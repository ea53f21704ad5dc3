/**
 * Verifies the XML Signature of an OpenADR 2.0b oadrPayload on the document's original text:
 * one ds:Signature, first in the oadrPayload; a Reference covering the oadrSignedObject by its Id;
 * every digest and the SignatureValue correct; a signature method of the profile; a signer key the
 * caller trusts; and a fresh ReplayProtect (timestamp + nonce) inside the signed content.
 */
import { createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { CodecError, type Issue, makeIssue, XmlError, xmlIssue } from "@transactive/codec";
import type { SignatureIssue, SignatureIssueCode } from "@transactive/ei";
import { DOMParser } from "@xmldom/xmldom";
import { SignedXml } from "xml-crypto";
import {
  ACCEPTED_SIGNATURE_METHODS,
  DSIG_NS,
  DSP_NS,
  ECDSA_SHA256,
  EcdsaSha256,
  OADR_NS,
} from "./algorithms.js";
import { signedText } from "./text.js";

/** Remembers nonces already seen (e.g. a Set, or a store with expiry). */
export interface NonceStore {
  /** Whether this nonce was seen before (a message carrying it is refused as a replay). */
  has(nonce: string): boolean;
  /** Records a new nonce, so a later message carrying it is refused. */
  add(nonce: string): unknown;
}

/** Which signers to trust (trust anchors or one key), which algorithms to accept, and how ReplayProtect is checked. */
export interface VerifyOptions {
  /**
   * Trust anchors (PEM or X509Certificate): the certificate in KeyInfo must be one of them or be
   * issued by one of them, and be valid now.
   */
  readonly trustedCertificates?: readonly (string | Buffer | X509Certificate)[];
  /** Or: verify with this key (or certificate) only, whatever KeyInfo says. */
  readonly publicKey?: string | Buffer | KeyObject;
  /** accepted SignatureMethod algorithms (default: RSA-SHA256, ECDSA-SHA256, RSA-SHA512) */
  readonly signatureMethods?: readonly string[];
  /** whether a ReplayProtect property must be signed (default true) */
  readonly requireReplayProtect?: boolean;
  /** how old a ReplayProtect timestamp may be, ms (default 5 minutes) */
  readonly maxAgeMs?: number;
  /** how far in the future a timestamp may be, for clock skew, ms (default 1 minute) */
  readonly maxSkewMs?: number;
  /** the current time (default: now) */
  readonly now?: Date;
  /** nonces seen before: a repeated one is refused, a new one is added */
  readonly nonces?: NonceStore;
}

/** The signed ReplayProtect property of a verified message: its timestamp and nonce. */
export interface ReplayProtect {
  readonly timestamp: string;
  readonly nonce: string;
}

/** The outcome of verifyOadrPayload: what the signature covers and who signed it, or the issues that refuse it. */
export type VerifyResult =
  | {
      readonly ok: true;
      /** the Id of the oadrSignedObject the signature covers */
      readonly signedObjectId: string;
      /** the signed oadrSignedObject, canonicalized as it was digested */
      readonly signedObject: string;
      readonly signatureMethod: string;
      readonly certificate?: X509Certificate;
      readonly replayProtect?: ReplayProtect;
    }
  | { readonly ok: false; readonly issues: readonly Issue[] };

const fail = (
  code: Exclude<SignatureIssueCode, "xml">,
  path: string,
  message: string,
): VerifyResult => ({ ok: false, issues: [makeIssue(code, path, message)] });

const elements = (node: Node): Element[] =>
  Array.from(node.childNodes).filter((n): n is Element => n.nodeType === 1);

/**
 * Verifies the XML Signature of an oadrPayload (text or bytes, checked on its original text);
 * returns the issues instead of throwing when it does not verify.
 */
export function verifyOadrPayload(
  input: string | Uint8Array,
  options: VerifyOptions,
): VerifyResult {
  let text: string;
  try {
    text = signedText(input);
  } catch (e) {
    // the codec's secure reader (or its byte decoder) refused the input: keep its issues
    if (e instanceof CodecError) return { ok: false, issues: e.issues };
    if (e instanceof XmlError) return { ok: false, issues: xmlIssue(e).issues };
    if (e instanceof TypeError)
      return {
        ok: false,
        issues: [
          makeIssue("xml", "/", `the document is not valid UTF-8: ${e.message}`, {
            reason: "encoding",
          }),
        ],
      };
    throw e;
  }
  const doc = new DOMParser().parseFromString(text, "text/xml");
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== OADR_NS || root.localName !== "oadrPayload")
    return fail("not-oadr-payload", "/", "the document element is not oadr:oadrPayload");

  const signatures = Array.from(doc.getElementsByTagNameNS(DSIG_NS, "Signature"));
  if (signatures.length === 0)
    return fail("unsigned", "/oadrPayload", "the oadrPayload has no ds:Signature");
  const children = elements(root);
  const signature = signatures[0] as Element;
  if (signatures.length > 1 || children[0] !== signature)
    return fail(
      "structure",
      "/oadrPayload/Signature",
      "exactly one ds:Signature is allowed, as the first child of the oadrPayload",
    );
  const signedObjects = children.filter(
    (c) => c.namespaceURI === OADR_NS && c.localName === "oadrSignedObject",
  );
  const signedObject = signedObjects[0];
  if (!signedObject || signedObjects.length > 1 || children.length !== 2)
    return fail(
      "structure",
      "/oadrPayload",
      "the oadrPayload must hold one ds:Signature and one oadrSignedObject",
    );
  // oadr:Id (the XSD qualifies attributes); an unqualified Id is taken too
  const idAttr =
    signedObject.getAttributeNodeNS(OADR_NS, "Id") ?? signedObject.getAttributeNode("Id");
  if (!idAttr?.value)
    return fail(
      "structure",
      "/oadrPayload/oadrSignedObject/@oadr:Id",
      "the oadrSignedObject has no Id, so no Reference can cover it",
    );
  const signedObjectId = idAttr.value;

  const method =
    signature.getElementsByTagNameNS(DSIG_NS, "SignatureMethod")[0]?.getAttribute("Algorithm") ??
    "";
  const methods = options.signatureMethods ?? ACCEPTED_SIGNATURE_METHODS;
  if (!methods.includes(method))
    return fail(
      "algorithm",
      "/oadrPayload/Signature/SignedInfo/SignatureMethod/@Algorithm",
      `signature method ${method || "(none)"} is not accepted; accepted: ${methods.join(", ")}`,
    );

  const signer = signerKey(signature, options);
  if ("issue" in signer) return { ok: false, issues: [signer.issue] };

  const sig = new SignedXml({ publicCert: signer.key, getCertFromKeyInfo: () => null });
  sig.SignatureAlgorithms[ECDSA_SHA256] = EcdsaSha256;
  sig.loadSignature(signature);
  let valid: boolean;
  try {
    valid = sig.checkSignature(text);
  } catch (e) {
    const message = (e as Error).message;
    return fail(
      message.startsWith("invalid signature: the signature value")
        ? "signature-value"
        : "structure",
      "/oadrPayload/Signature",
      message,
    );
  }
  if (!valid) {
    const issues = sig
      .getReferences()
      .filter((r) => r.validationError)
      .map((r) => ({
        code: "digest" as const,
        path: `/oadrPayload/Signature/SignedInfo/Reference[@URI='${r.uri}']`,
        message: (r.validationError as Error).message,
      }));
    return {
      ok: false,
      issues: issues.length
        ? issues
        : [
            {
              code: "digest",
              path: "/oadrPayload/Signature",
              message: "a Reference did not validate",
            },
          ],
    };
  }

  const covering = sig
    .getReferences()
    .find((r) => r.uri === `#${signedObjectId}` || r.uri === signedObjectId);
  if (!covering?.signedReference)
    return fail(
      "structure",
      "/oadrPayload/Signature/SignedInfo",
      `no Reference covers the oadrSignedObject (URI="#${signedObjectId}")`,
    );

  const replayProtect = signedReplayProtect(
    sig.getReferences().map((r) => r.signedReference ?? ""),
  );
  const base = {
    ok: true as const,
    signedObjectId,
    signedObject: covering.signedReference,
    signatureMethod: method,
    ...(signer.certificate ? { certificate: signer.certificate } : {}),
  };
  if (!replayProtect) {
    if (options.requireReplayProtect ?? true)
      return fail(
        "replay",
        "/oadrPayload/Signature/Object",
        "no signed ReplayProtect property (timestamp and nonce)",
      );
    return base;
  }
  const replay = checkReplay(replayProtect, options);
  return replay ?? { ...base, replayProtect };
}

function signerKey(
  signature: Element,
  options: VerifyOptions,
): { key: string; certificate?: X509Certificate } | { issue: SignatureIssue } {
  const path = "/oadrPayload/Signature/KeyInfo";
  if (options.publicKey !== undefined) {
    const given = options.publicKey;
    const key =
      typeof given === "object" && "type" in given && given.type === "public"
        ? given
        : createPublicKey(given as string | Buffer);
    return { key: key.export({ format: "pem", type: "spki" }).toString() };
  }
  if (!options.trustedCertificates?.length)
    return {
      issue: {
        code: "untrusted-key",
        path,
        message: "no trusted certificate or public key was given to verify with",
      },
    };
  const base64 = signature.getElementsByTagNameNS(DSIG_NS, "X509Certificate")[0]?.textContent;
  if (!base64)
    return {
      issue: { code: "untrusted-key", path, message: "KeyInfo carries no X509Certificate" },
    };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(base64.replace(/\s+/g, ""), "base64"));
  } catch (e) {
    return {
      issue: {
        code: "untrusted-key",
        path,
        message: `the X509Certificate cannot be read: ${(e as Error).message}`,
      },
    };
  }
  const now = (options.now ?? new Date()).getTime();
  if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo))
    return {
      issue: {
        code: "untrusted-key",
        path,
        message: `the signer's certificate is not valid now (valid ${certificate.validFrom} to ${certificate.validTo})`,
      },
    };
  const anchors = options.trustedCertificates.map((c) =>
    c instanceof X509Certificate ? c : new X509Certificate(c),
  );
  const trusted = anchors.some(
    (a) =>
      a.fingerprint256 === certificate.fingerprint256 ||
      (certificate.checkIssued(a) && certificate.verify(a.publicKey)),
  );
  if (!trusted)
    return {
      issue: {
        code: "untrusted-key",
        path,
        message: `the signer's certificate (${certificate.subject.replace(/\n/g, ", ")}) is not issued by a trusted certificate`,
      },
    };
  return { key: certificate.toString(), certificate };
}

/** The ReplayProtect from the signed (digested) content, never from the unsigned document. */
function signedReplayProtect(signedReferences: readonly string[]): ReplayProtect | undefined {
  for (const xml of signedReferences) {
    if (!xml.includes(DSP_NS)) continue;
    const doc = new DOMParser().parseFromString(xml, "text/xml");
    const rp = doc.getElementsByTagNameNS(DSP_NS, "ReplayProtect")[0];
    if (!rp) continue;
    const timestamp = rp.getElementsByTagNameNS(DSP_NS, "timestamp")[0]?.textContent?.trim() ?? "";
    const nonce = rp.getElementsByTagNameNS(DSP_NS, "nonce")[0]?.textContent?.trim() ?? "";
    return { timestamp, nonce };
  }
  return undefined;
}

function checkReplay(rp: ReplayProtect, options: VerifyOptions): VerifyResult | undefined {
  const path = "/oadrPayload/Signature/Object/SignatureProperties/SignatureProperty/ReplayProtect";
  // an xs:dateTime without a zone is taken as UTC
  const hasZone = /(Z|[+-]\d\d:\d\d)$/.test(rp.timestamp);
  const at = Date.parse(hasZone ? rp.timestamp : `${rp.timestamp}Z`);
  if (Number.isNaN(at))
    return fail("replay", `${path}/timestamp`, `"${rp.timestamp}" is not a dateTime`);
  if (rp.nonce === "") return fail("replay", `${path}/nonce`, "the nonce is empty");
  const now = (options.now ?? new Date()).getTime();
  const maxAge = options.maxAgeMs ?? 5 * 60_000;
  if (now - at > maxAge)
    return fail(
      "replay",
      `${path}/timestamp`,
      `signed at ${rp.timestamp}, more than ${maxAge} ms ago`,
    );
  if (at - now > (options.maxSkewMs ?? 60_000))
    return fail("replay", `${path}/timestamp`, `signed at ${rp.timestamp}, in the future`);
  if (options.nonces) {
    if (options.nonces.has(rp.nonce))
      return fail("replay", `${path}/nonce`, `nonce "${rp.nonce}" was used before`);
    options.nonces.add(rp.nonce);
  }
  return undefined;
}

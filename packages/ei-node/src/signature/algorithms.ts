/**
 * The XML Signature algorithms of the OpenADR 2.0b security profile: RSA or ECDSA with SHA-256
 * over exclusive canonicalization, SHA-256 digests. xml-crypto ships RSA; ECDSA-SHA256 is added
 * here (its SignatureValue is r || s, IEEE P1363, as XML Signature 1.1 requires).
 */
import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from "node:crypto";
import type { ErrorFirstCallback, SignatureAlgorithm } from "xml-crypto";

export const DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
export const OADR_NS = "http://openadr.org/oadr-2.0b/2012/07";
/** namespace of the ReplayProtect signature property */
export const DSP_NS = "http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties";

/** The RSA with SHA-256 signature method URI (XML Signature). */
export const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/** The ECDSA with SHA-256 signature method URI (XML Signature 1.1). */
export const ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
/** The SHA-256 digest method URI. */
export const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
/** The exclusive XML canonicalization URI, used for SignedInfo and each Reference. */
export const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";

/** Signature methods accepted when verifying (SHA-1 based ones are refused). */
export const ACCEPTED_SIGNATURE_METHODS: readonly string[] = [
  RSA_SHA256,
  ECDSA_SHA256,
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
];

function optionalCallback<A extends unknown[], T>(fn: (...args: A) => T) {
  return (...args: [...A] | [...A, ErrorFirstCallback<T>]): T | undefined => {
    const last = args[args.length - 1];
    if (typeof last !== "function") return fn(...(args as A));
    const callback = last as ErrorFirstCallback<T>;
    try {
      callback(null, fn(...(args.slice(0, -1) as A)));
    } catch (e) {
      callback(e as Error);
    }
    return undefined;
  };
}

export class EcdsaSha256 implements SignatureAlgorithm {
  getSignature = optionalCallback(
    (signedInfo: Parameters<typeof sign>[1], key: string | Buffer | KeyObject) =>
      sign("sha256", signedInfo, {
        key: key instanceof KeyObject ? key : createPrivateKey(key),
        dsaEncoding: "ieee-p1363",
      }).toString("base64"),
  ) as SignatureAlgorithm["getSignature"];
  verifySignature = optionalCallback(
    (material: string, key: string | Buffer | KeyObject, signatureValue: string) =>
      verify(
        "sha256",
        Buffer.from(material),
        { key: key instanceof KeyObject ? key : createPublicKey(key), dsaEncoding: "ieee-p1363" },
        Buffer.from(signatureValue, "base64"),
      ),
  ) as SignatureAlgorithm["verifySignature"];
  getAlgorithmName = (): string => ECDSA_SHA256;
}

/**
 * The XML Signature functions a @transactive/ei dispatcher takes (`signature` option): the
 * dispatcher decides what must be signed and what a refusal looks like; these do the
 * cryptography (signOadrPayload, verifyOadrPayload).
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { DispatcherSignature } from "@transactive/ei";
import { createNonceStore } from "./signature/nonces.js";
import { type SignOptions, signOadrPayload } from "./signature/sign.js";
import { type VerifyOptions, verifyOadrPayload } from "./signature/verify.js";

/** What xmlSignature signs answers with and which incoming signatures it trusts. */
export interface XmlSignatureOptions {
  /** the endpoint's key and certificate to sign its answers with */
  readonly sign?: SignOptions;
  /**
   * trust for incoming signatures (trustedCertificates or publicKey; ReplayProtect freshness).
   * Without `nonces`, a store remembering nonces for maxAgeMs + maxSkewMs refuses replays.
   */
  readonly verify?: VerifyOptions;
}

/**
 * A dispatcher's signature hook over OpenADR 2.0b XML Signature. The signing key and certificate
 * are parsed here, so a bad one is a RangeError now rather than a failed answer later.
 */
export function xmlSignature(options: XmlSignatureOptions): DispatcherSignature {
  const { sign, verify } = options;
  if (sign) {
    try {
      if (typeof sign.privateKey === "string" || Buffer.isBuffer(sign.privateKey))
        createPrivateKey(sign.privateKey);
    } catch (e) {
      throw new RangeError(
        `signature.sign.privateKey is not a private key: ${(e as Error).message}`,
      );
    }
    try {
      new X509Certificate(sign.certificate);
    } catch (e) {
      throw new RangeError(
        `signature.sign.certificate is not an X.509 certificate: ${(e as Error).message}`,
      );
    }
  }
  if (verify && !verify.trustedCertificates?.length && !verify.publicKey)
    throw new RangeError("signature.verify needs trustedCertificates or a publicKey to trust");
  const verifyOptions: VerifyOptions | undefined = verify && {
    ...verify,
    nonces:
      verify.nonces ??
      createNonceStore((verify.maxAgeMs ?? 300_000) + (verify.maxSkewMs ?? 60_000)),
  };
  return {
    ...(sign ? { sign: (xml: string) => signOadrPayload(xml, sign) } : {}),
    ...(verifyOptions
      ? { verify: (body: Uint8Array | string) => verifyOadrPayload(body, verifyOptions) }
      : {}),
  };
}

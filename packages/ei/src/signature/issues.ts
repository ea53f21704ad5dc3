/** Why a signature was refused, as data: a code, where (a path in the document), and a message. */
export type SignatureIssueCode =
  | "xml" // not well-formed or hostile (the codec's secure reader refused it)
  | "not-oadr-payload" // the document element is not oadr:oadrPayload
  | "unsigned" // no ds:Signature in the oadrPayload
  | "structure" // a Signature, oadrSignedObject or Id where OpenADR does not allow it
  | "algorithm" // a signature method the OpenADR 2.0b profile does not accept
  | "untrusted-key" // no trusted key or certificate for the signer
  | "digest" // a Reference's digest does not match the referenced content (tampering)
  | "signature-value" // the SignatureValue does not verify over SignedInfo
  | "replay"; // ReplayProtect missing, too old, in the future, or its nonce seen before

export interface SignatureIssue {
  readonly code: SignatureIssueCode;
  readonly path: string;
  readonly message: string;
}

export class SignatureError extends Error {
  readonly issues: readonly SignatureIssue[];
  constructor(issues: readonly SignatureIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
    this.name = "SignatureError";
    this.issues = issues;
  }
}

/** Why a signature was refused: issues of @transactive/codec's one Issue type, with the signature codes listed there. */
import { CodecError, type IssueCode, type IssueOf } from "@transactive/codec";

/** The codes a signature check reports ("xml": the codec's secure reader refused the input). */
export type SignatureIssueCode = Extract<
  IssueCode,
  | "xml"
  | "not-oadr-payload"
  | "unsigned"
  | "structure"
  | "algorithm"
  | "untrusted-key"
  | "digest"
  | "signature-value"
  | "replay"
>;

/** A signature issue: the codec's Issue narrowed to the signature codes. */
export type SignatureIssue = IssueOf<SignatureIssueCode>;

/** A CodecError raised by signing or verifying (`instanceof CodecError` holds). */
export class SignatureError extends CodecError {
  override name = "SignatureError";
}

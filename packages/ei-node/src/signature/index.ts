export {
  ACCEPTED_SIGNATURE_METHODS,
  DSP_NS,
  ECDSA_SHA256,
  EXC_C14N,
  RSA_SHA256,
  SHA256,
} from "./algorithms.js";
export { createNonceStore } from "./nonces.js";
export { type SignOptions, signOadrPayload } from "./sign.js";
export {
  type NonceStore,
  type ReplayProtect,
  type VerifyOptions,
  type VerifyResult,
  verifyOadrPayload,
} from "./verify.js";

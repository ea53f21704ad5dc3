/**
 * Ed25519 identities on node:crypto. A party's ID is derived from its first public key, so anyone
 * can create one without asking anybody; a registration record then binds it to an EI party ID.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { fail } from "./errors.js";

/** A key pair able to sign records. `partyId` is derived from the party's first public key. */
export interface Identity {
  readonly partyId: string;
  /** the current public key: raw 32 bytes, base64url */
  readonly publicKey: string;
  readonly privateKey: KeyObject;
}

/** The JSON form of an identity file (`transactive ledger keygen`): keep it secret. */
export interface IdentityJson {
  readonly partyId: string;
  readonly publicKey: string;
  /** PKCS#8 PEM of the private key */
  readonly privateKey: string;
}

const PARTY_ID = /^tp[0-9a-f]{40}$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;

/** The party ID of a public key (raw base64url): "tp" and the first 160 bits of its SHA-256, hex. */
export function partyIdOf(publicKey: string): string {
  const raw = Buffer.from(publicKey, "base64url");
  return `tp${createHash("sha256").update(raw).digest("hex").slice(0, 40)}`;
}

/** True when `id` has the form of a party ID. */
export function isPartyId(id: unknown): id is string {
  return typeof id === "string" && PARTY_ID.test(id);
}

/** True when `key` has the form of a raw Ed25519 public key in base64url. */
export function isPublicKey(key: unknown): key is string {
  return typeof key === "string" && KEY.test(key);
}

/** A new identity (a fresh Ed25519 key pair). */
export function generateIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const x = publicKey.export({ format: "jwk" }).x as string;
  return { partyId: partyIdOf(x), publicKey: x, privateKey };
}

/** A new key pair for a key rotation of an existing party (its party ID does not change). */
export function rotateIdentity(identity: Identity): { next: Identity } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const x = publicKey.export({ format: "jwk" }).x as string;
  return { next: { partyId: identity.partyId, publicKey: x, privateKey } };
}

/** The identity as JSON (with the private key in PKCS#8 PEM). */
export function identityToJson(identity: Identity): IdentityJson {
  return {
    partyId: identity.partyId,
    publicKey: identity.publicKey,
    privateKey: identity.privateKey.export({ format: "pem", type: "pkcs8" }) as string,
  };
}

/** Reads an identity file's JSON; the public key must match the private key. */
export function identityFromJson(json: unknown): Identity {
  const j = json as Partial<IdentityJson> | null;
  if (j === null || typeof j !== "object")
    return fail("malformed", "", "an identity is a JSON object");
  if (!isPartyId(j.partyId)) fail("malformed", "/partyId", "not a party ID (tp + 40 hex digits)");
  if (!isPublicKey(j.publicKey))
    fail("malformed", "/publicKey", "not a base64url Ed25519 public key");
  if (typeof j.privateKey !== "string") fail("malformed", "/privateKey", "missing PKCS#8 PEM");
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(j.privateKey);
  } catch (e) {
    return fail("malformed", "/privateKey", `not a private key: ${(e as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519")
    fail("malformed", "/privateKey", `an ${privateKey.asymmetricKeyType} key, not Ed25519`);
  const x = createPublicKey(privateKey).export({ format: "jwk" }).x as string;
  if (x !== j.publicKey) fail("malformed", "/publicKey", "does not belong to the private key");
  return { partyId: j.partyId, publicKey: x, privateKey };
}

const keyCache = new Map<string, KeyObject>();

/** The KeyObject of a raw base64url public key (cached: verification creates none per record). */
export function publicKeyObject(publicKey: string): KeyObject {
  let k = keyCache.get(publicKey);
  if (k === undefined) {
    k = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: publicKey }, format: "jwk" });
    if (keyCache.size > 100_000) keyCache.clear();
    keyCache.set(publicKey, k);
  }
  return k;
}

/** Ed25519 signature of `message`, base64url. */
export function signBytes(privateKey: KeyObject, message: Uint8Array): string {
  return sign(null, message, privateKey).toString("base64url");
}

/** Checks an Ed25519 signature (base64url) of `message` with a raw base64url public key. */
export function verifyBytes(publicKey: string, message: Uint8Array, signature: string): boolean {
  const sig = Buffer.from(signature, "base64url");
  if (sig.length !== 64) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), sig);
  } catch {
    return false;
  }
}

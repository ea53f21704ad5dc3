/**
 * Key and certificate files named by command-line flags (serve, ven): read and parsed at start-up,
 * so a bad file is one clear line naming the flag (exit 2), not a failure on the first request.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { UsageError } from "./io.js";

export function readFlag(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(
      `cannot read ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

const reason = (e: unknown): string =>
  ((e as Error).message ?? String(e)).split("\n")[0]?.replace(/^error:[0-9A-F]+:/, "") ?? "";

/** A PEM private key file. */
function privateKey(flag: string, file: string): { pem: Buffer; key: KeyObject } {
  const pem = readFlag(flag, file);
  try {
    return { pem, key: createPrivateKey(pem) };
  } catch (e) {
    throw new UsageError(`${flag} ${file} is not a PEM private key: ${reason(e)}`);
  }
}

/** A PEM X.509 certificate file (the first one of a bundle is parsed). */
export function certificate(flag: string, file: string): Buffer {
  const pem = readFlag(flag, file);
  try {
    new X509Certificate(pem);
  } catch (e) {
    throw new UsageError(`${flag} ${file} is not a PEM X.509 certificate: ${reason(e)}`);
  }
  return pem;
}

/** A key and the certificate it must belong to. */
export function keyPair(
  keyFlag: string,
  keyFile: string,
  certFlag: string,
  certFile: string,
): { key: Buffer; cert: Buffer } {
  const { pem, key } = privateKey(keyFlag, keyFile);
  const cert = certificate(certFlag, certFile);
  if (!new X509Certificate(cert).checkPrivateKey(key))
    throw new UsageError(`${keyFlag} ${keyFile} is not the key of ${certFlag} ${certFile}`);
  return { key: pem, cert };
}

/** Resolves with the signal once SIGINT or SIGTERM arrives (the servers' Ctrl+C). */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (sig: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(sig);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

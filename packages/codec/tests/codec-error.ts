/** Test helper: the CodecError that `f` throws (any other outcome fails the test). */
import { CodecError } from "../src/errors.js";

export function codecError(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error("expected a CodecError");
}

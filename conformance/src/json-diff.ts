/**
 * Deep equality of JSON values, key order ignored: returns undefined when equal, else the JSON
 * pointer of the first difference and the two values there.
 */
export interface JsonDifference {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

const show = (v: unknown): string => (v === undefined ? "(absent)" : JSON.stringify(v));
const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;

export function jsonDiff(
  expected: unknown,
  actual: unknown,
  path = "",
): JsonDifference | undefined {
  if (expected === actual) return undefined;
  const differ = (): JsonDifference => ({
    path: path || "/",
    expected: show(expected),
    actual: show(actual),
  });
  if (typeof expected !== "object" || typeof actual !== "object") return differ();
  if (expected === null || actual === null) return differ();
  if (Array.isArray(expected) !== Array.isArray(actual)) return differ();
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const d = jsonDiff(expected[i], actual[i], pointer(path, i));
      if (d) return d;
    }
    return undefined;
  }
  const a = expected as Record<string, unknown>;
  const b = actual as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const d = jsonDiff(a[key], b[key], pointer(path, key));
    if (d) return d;
  }
  return undefined;
}

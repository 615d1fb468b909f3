/** Reads `a.b.0.c` from a parsed JSON value; `undefined` when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** {@link readPath} as a string: numbers are accepted (a numeric id), anything else is `undefined`. */
export function readString(value: unknown, path: string): string | undefined {
  const found = readPath(value, path);
  if (typeof found === 'string') return found;
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return undefined;
}

/**
 * A JSON text of `value` with object keys sorted, so two values that a JSON column stores
 * alike give the same text whatever their key order (PostgreSQL's jsonb and MySQL's JSON
 * reorder keys) — Dates become ISO strings and `undefined` members vanish, as in storage.
 */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? 'undefined' : JSON.stringify(sortKeys(JSON.parse(json)));
}

/** True when `a` and `b` are stored as the same JSON document. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  // No prototype, so that a `__proto__` key is kept as data.
  const sorted: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

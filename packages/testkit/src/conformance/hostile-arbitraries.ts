import fc from 'fast-check';
import { nested } from './hostile-expect.js';

class Point {
  constructor(readonly x = 1) {}
}

/** Values of the wrong type, and values JavaScript has but JSON and SQL do not. */
const oddScalars: unknown[] = [
  null,
  undefined,
  true,
  false,
  0,
  5,
  -1,
  2 ** 53 + 2,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  10n,
  -(2n ** 70n),
  Symbol('s'),
  () => 1,
  '',
  ' ',
  [],
  {},
  [2020],
  [null],
  [undefined],
];

/** Strings that have broken storage: lone surrogates, NUL, control and astral characters, huge text. */
const oddStrings: string[] = [
  'k\ud800',
  '\udc00x',
  'a\ud83d',
  '\u0000',
  'a\u0000b',
  '🐉',
  'e\u0301',
  '\u202e',
  '\uffff',
  "'; drop table rapport_customers; --",
  '%_\\',
  'x'.repeat(70_000),
];

/** Dates JavaScript can hold, valid and not, and strings that look like dates. */
const oddDates: unknown[] = [
  new Date(Number.NaN),
  new Date(8.64e15),
  new Date(-8.64e15),
  new Date(0),
  '2026-13-40',
  '2026-02-30T00:00:00Z',
  '2026-05-01',
  '2026-05-01T10:00:00+14:00',
  '+275760-09-13T00:00:00Z',
  'yesterday',
];

/** Objects with keys that are special to JavaScript. */
const specialKeys = (): unknown[] => [
  JSON.parse('{"__proto__":{"admin":true}}'),
  JSON.parse('{"a":{"__proto__":1}}'),
  { constructor: 'c' },
  { prototype: {} },
  { toString: 'x', valueOf: 1 },
  { '': 1, ' ': 2, 'a.b': 3, $x: 4 },
  { ['k\ud800']: 1 },
  { ['k\u0000']: 1 },
];

/** Deep, wide and non-plain values. */
const structures = (): unknown[] => [
  nested(19),
  nested(20),
  nested(21),
  nested(150),
  nested(5000),
  Array.from({ length: 10_001 }, () => 0),
  new Map([['a', 1]]),
  new Set([1]),
  new Point(),
  Object.create(null),
  { when: new Date('2026-01-01T00:00:00Z') },
];

/**
 * Any hostile value: wrong types, ill-formed and huge strings, deep and huge structures,
 * special keys, extreme numbers and dates, BigInt, symbols and functions, and ordinary
 * random JSON.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...oddScalars), weight: 3 },
  { arbitrary: fc.constantFrom(...oddStrings), weight: 2 },
  { arbitrary: fc.constantFrom(...oddDates), weight: 1 },
  { arbitrary: fc.constantFrom(...specialKeys()), weight: 2 },
  { arbitrary: fc.constantFrom(...structures()), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 8 }), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/** A template's field path and the value put there: one hostile change to a valid input. */
export function withHostileField<T extends Record<string, unknown>>(
  template: T,
  paths: readonly (readonly (string | number)[])[],
): fc.Arbitrary<{ input: T; path: readonly (string | number)[]; value: unknown }> {
  return fc.tuple(fc.constantFrom(...paths), hostileValue).map(([path, value]) => ({ input: setPath(template, path, value), path, value }));
}

function setPath<T>(template: T, path: readonly (string | number)[], value: unknown): T {
  const copy = structuredClone(template) as Record<string | number, unknown>;
  let target = copy;
  for (const segment of path.slice(0, -1)) {
    if (typeof target[segment] !== 'object' || target[segment] === null) target[segment] = {};
    target = target[segment] as Record<string | number, unknown>;
  }
  target[path[path.length - 1] as string | number] = value;
  return copy as T;
}

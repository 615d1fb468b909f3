import { compareKeys } from '@rapport/core/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../src/segments/compare.js';

/** The order by code point, the slow and obvious way. */
function reference(a: string, b: string): number {
  const [left, right] = [Array.from(a, (char) => char.codePointAt(0) ?? 0), Array.from(b, (char) => char.codePointAt(0) ?? 0)];
  for (let index = 0; index < Math.min(left.length, right.length); index++)
    if (left[index] !== right[index]) return (left[index] as number) - (right[index] as number);
  return left.length - right.length;
}

// Characters where UTF-16 order and code-point order part: the top of the BMP and beyond it.
const tricky = fc.string({
  unit: fc.constantFrom('a', 'z', '\uE000', '\uFF5A', '\uFFFF', '\u{10000}', '\u{1F600}', '\u{10FFFF}'),
  maxLength: 6,
});

describe('key order', () => {
  it('orders strings by code point, as a "C" collation does, not by UTF-16 unit', () => {
    fc.assert(
      fc.property(
        fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 8 })),
        fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 8 })),
        (a, b) => {
          expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(reference(a, b)));
        },
      ),
      { numRuns: 2000 },
    );
    expect(compareCodePoints('\u{1F600}', '\uFF5A')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFF5A').toBe(true); // what `<` says instead
  });

  it('orders keys column by column: Dates by time, numbers by value, text by code point', () => {
    const key = ['at', 'id'] as const;
    const early = new Date(1000);
    const late = new Date(2000);
    expect(compareKeys(key, { at: early, id: 'z' }, { at: late, id: 'a' })).toBeLessThan(0);
    expect(compareKeys(key, { at: late, id: '\u{1F600}' }, { at: new Date(2000), id: '\uFF5A' })).toBeGreaterThan(0);
    expect(compareKeys(['n'], { n: 10 }, { n: 9 })).toBeGreaterThan(0);
    expect(compareKeys(key, { at: early, id: 'a' }, { at: new Date(1000), id: 'a' })).toBe(0);
  });
});

import { defineSegment, SegmentConditionSchema, SegmentDefinitionSchema } from '@rapport/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const issuesOf = (input: unknown) => {
  const result = SegmentConditionSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('segment DSL validation', () => {
  it('accepts a nested definition and applies defaults', () => {
    const parsed = SegmentDefinitionSchema.parse(
      defineSegment({
        key: 'high-value',
        name: 'High value',
        condition: {
          kind: 'and',
          of: [
            { kind: 'metric', field: 'totalSpend', op: 'gte', value: 500 },
            { kind: 'consent', purpose: 'marketing', status: 'granted' },
          ],
        },
      }),
    );
    expect(parsed.description).toBeNull();
    expect(parsed.condition).toEqual({
      kind: 'and',
      of: [
        { kind: 'metric', field: 'totalSpend', op: 'gte', value: 500 },
        { kind: 'consent', purpose: 'marketing', channel: '*', status: 'granted' },
      ],
    });
  });

  it('rejects an unknown operator, naming the field', () => {
    expect(issuesOf({ kind: 'trait', field: 'country', op: 'like', value: 'G%' }).join()).toMatch(/^op: /);
  });

  it('rejects an unknown kind and unknown keys', () => {
    expect(issuesOf({ kind: 'sql', query: 'select 1' })).not.toEqual([]);
    expect(issuesOf({ kind: 'tag', op: 'has', value: 'vip', raw: 'x' })).not.toEqual([]);
  });

  it('rejects operands that do not fit the operator', () => {
    expect(issuesOf({ kind: 'trait', field: 'age', op: 'gt' })).toEqual(['value: operator "gt" needs a value']);
    expect(issuesOf({ kind: 'trait', field: 'age', op: 'in', value: 3 })).toEqual(['value: operator "in" takes a list of values']);
    expect(issuesOf({ kind: 'trait', field: 'age', op: 'eq', value: [3] })).toEqual(['value: operator "eq" takes a single value']);
    expect(issuesOf({ kind: 'trait', field: 'age', op: 'exists', value: 3 })).toEqual(['value: operator "exists" takes no value']);
    expect(issuesOf({ kind: 'trait', field: 'vip', op: 'gt', value: true })).toEqual(['value: operator "gt" takes a number or a string']);
    expect(issuesOf({ kind: 'metric', field: 'totalSpend', op: 'gte', value: { daysAgo: 3 } })).toEqual([
      'value: metric "totalSpend" compares with a number',
    ]);
    expect(issuesOf({ kind: 'metric', field: 'lastSeenAt', op: 'gte', value: 3 })).toEqual([
      'value: metric "lastSeenAt" compares with an ISO time or { daysAgo }',
    ]);
  });

  it('reports the path of a bad leaf deep in the tree', () => {
    const issues = issuesOf({
      kind: 'or',
      of: [
        { kind: 'tag', op: 'has', value: 'x' },
        { kind: 'not', condition: { kind: 'trait', field: 'a b', op: 'exists' } },
      ],
    });
    expect(issues.join()).toMatch(/^of\.1\.condition\.field: /);
  });

  it('property: field names with anything but letters, digits, _ and dots are rejected', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), (field) => {
        const valid = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,4}$/.test(field);
        expect(SegmentConditionSchema.safeParse({ kind: 'trait', field, op: 'exists' }).success).toBe(valid);
      }),
    );
    for (const hostile of ["x'; drop table customers; --", 'a`b', 'a"b', 'a\u0000b', 'a) or (1=1', '$.a', 'a[0]']) {
      expect(SegmentConditionSchema.safeParse({ kind: 'trait', field: hostile, op: 'exists' }).success, hostile).toBe(false);
    }
  });
});

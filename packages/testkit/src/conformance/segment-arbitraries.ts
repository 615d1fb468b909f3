import { METRIC_FIELDS, type SegmentConditionInput } from '@rapport/core';
import fc from 'fast-check';

/** Strings a database can store (no NUL), from the whole of Unicode. */
export const storableString = (maxLength = 12): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme', maxLength }).map((text) => text.replaceAll('\u0000', ''));

const TRAIT_FIELDS = [
  'country',
  'age',
  'name',
  'plan',
  'vip',
  'address.city',
  'address',
  'score',
  'nickname',
  'missing',
  'r.text',
  'r.num',
];
const NOTABLE = ['GB', 'US', 'CN', 'gold', 'Gold', 'silver', 'B', '蔡', '🐉', "O'Brien", '', '%', '_', '\\', '"', '40'];

const scalar: fc.Arbitrary<string | number | boolean> = fc.oneof(
  fc.constantFrom<string | number | boolean>(...NOTABLE, 17, 36, 40, 29.5, -3, 0, true, false),
  storableString(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((value) => (Object.is(value, -0) ? 0 : value)),
);
const text = fc.oneof(
  fc.constantFrom(...NOTABLE.filter((value) => value !== '')),
  storableString().filter((value) => value.length > 0),
);

const traitCondition: fc.Arbitrary<SegmentConditionInput> = fc.oneof(
  fc.record({
    kind: fc.constant('trait' as const),
    field: fc.constantFrom(...TRAIT_FIELDS),
    op: fc.constantFrom('eq' as const, 'neq' as const),
    value: scalar,
  }),
  fc.record({
    kind: fc.constant('trait' as const),
    field: fc.constantFrom(...TRAIT_FIELDS),
    op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
    value: scalar.filter((value) => typeof value !== 'boolean'),
  }),
  fc.record({
    kind: fc.constant('trait' as const),
    field: fc.constantFrom(...TRAIT_FIELDS),
    op: fc.constantFrom('in' as const, 'notIn' as const),
    value: fc.array(scalar, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('trait' as const),
    field: fc.constantFrom(...TRAIT_FIELDS),
    op: fc.constantFrom('contains' as const, 'startsWith' as const),
    value: text,
  }),
  fc.record({
    kind: fc.constant('trait' as const),
    field: fc.constantFrom(...TRAIT_FIELDS),
    op: fc.constantFrom('exists' as const, 'notExists' as const),
  }),
);

const timeValue = fc.oneof(
  // Fractions of a day too: their times carry fractions of a millisecond.
  fc.record({ daysAgo: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.double({ min: 0, max: 600, noNaN: true })) }),
  fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 11, 31) }).map((ms) => new Date(ms).toISOString()),
);
const metricCondition: fc.Arbitrary<SegmentConditionInput> = fc.oneof(
  fc.record({
    kind: fc.constant('metric' as const),
    field: fc.constantFrom('purchaseCount' as const, 'totalSpend' as const, 'interactionCount' as const),
    op: fc.constantFrom('eq' as const, 'neq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
    value: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.double({ min: 0, max: 1000, noNaN: true })),
  }),
  fc.record({
    kind: fc.constant('metric' as const),
    field: fc.constantFrom('firstSeenAt' as const, 'lastSeenAt' as const, 'lastPurchaseAt' as const, 'createdAt' as const),
    op: fc.constantFrom('eq' as const, 'neq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
    value: timeValue,
  }),
  fc.record({
    kind: fc.constant('metric' as const),
    field: fc.constantFrom(...METRIC_FIELDS),
    op: fc.constantFrom('exists' as const, 'notExists' as const),
  }),
);

const otherLeaf: fc.Arbitrary<SegmentConditionInput> = fc.oneof(
  fc.record({
    kind: fc.constant('tag' as const),
    op: fc.constantFrom('has' as const, 'lacks' as const),
    value: fc.constantFrom('vip', 'newsletter', 'none', 'r-tag'),
  }),
  fc.oneof(
    fc.record({
      kind: fc.constant('lifecycle' as const),
      op: fc.constantFrom('eq' as const, 'neq' as const),
      value: fc.constantFrom('lead', 'customer', 'churned', 'x'),
    }),
    fc.record({
      kind: fc.constant('lifecycle' as const),
      op: fc.constantFrom('in' as const, 'notIn' as const),
      value: fc.subarray(['lead', 'customer', 'churned', 'x'], { minLength: 1 }),
    }),
    fc.record({ kind: fc.constant('lifecycle' as const), op: fc.constantFrom('exists' as const, 'notExists' as const) }),
  ),
  fc.record(
    {
      kind: fc.constant('events' as const),
      types: fc.subarray(['purchase', 'page_view', 'complaint', 'email.sent'], { minLength: 1 }),
      channels: fc.subarray(['web', 'pos', 'wechat', 'email'], { minLength: 1 }),
      direction: fc.constantFrom('inbound' as const, 'outbound' as const),
      withinDays: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.001, max: 500, noNaN: true })),
      count: fc.record({
        op: fc.constantFrom('eq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
        value: fc.integer({ min: 0, max: 3 }),
      }),
    },
    { requiredKeys: ['kind', 'count'] },
  ),
  fc.record({
    kind: fc.constant('consent' as const),
    purpose: fc.constantFrom('marketing', 'analytics', 'personalisation'),
    channel: fc.constantFrom('*', 'email', 'sms'),
    status: fc.constantFrom('granted' as const, 'denied' as const, 'unknown' as const),
  }),
  fc.record(
    {
      kind: fc.constant('identity' as const),
      type: fc.constantFrom('email' as const, 'phone' as const, 'external' as const),
      namespace: fc.constantFrom('wechat', 'pos', ''),
      op: fc.constantFrom('exists' as const, 'notExists' as const),
    },
    { requiredKeys: ['kind', 'type', 'op'] },
  ),
);

/** Random, valid segment conditions of every kind, nested up to a few levels. */
export const segmentConditionArbitrary: fc.Arbitrary<SegmentConditionInput> = fc.letrec<{ condition: SegmentConditionInput }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    traitCondition,
    metricCondition,
    otherLeaf,
    fc.record({ kind: fc.constant('and' as const), of: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('or' as const), of: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), condition: tie('condition') }),
  ),
})).condition;

/** Random trait objects for extra customers: Unicode text and numbers of every size. */
export const randomTraits: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: storableString(),
    age: fc.oneof(
      fc.integer({ min: -5, max: 120 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((value) => (Object.is(value, -0) ? 0 : value)),
    ),
    plan: fc.constantFrom('gold', 'Gold', 'silver', ''),
    r: fc.record({ text: storableString(), num: fc.integer({ min: -100, max: 100 }) }),
    vip: fc.boolean(),
  },
  { requiredKeys: [] },
);

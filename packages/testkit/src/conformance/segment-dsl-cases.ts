import type { SegmentConditionInput } from '@rapport/core';
import type { Persona } from '../fixtures/population.js';

/** One DSL case: a condition and the personas it must select from the population. */
export interface DslCase {
  name: string;
  condition: SegmentConditionInput;
  expected: Persona[];
}

const trait = (field: string, op: string, value?: unknown): SegmentConditionInput =>
  ({ kind: 'trait', field, op, ...(value === undefined ? {} : { value }) }) as SegmentConditionInput;
const metric = (field: string, op: string, value?: unknown): SegmentConditionInput =>
  ({ kind: 'metric', field, op, ...(value === undefined ? {} : { value }) }) as SegmentConditionInput;

/** Every operator of the segment DSL, against the population in `fixtures/population.ts`. */
export const DSL_CASES: DslCase[] = [
  { name: 'trait eq', condition: trait('country', 'eq', 'GB'), expected: ['ada', 'dee'] },
  { name: 'trait eq with hostile text', condition: trait('name', 'eq', "O'Brien; DROP TABLE customers;--"), expected: ['fay'] },
  { name: 'trait eq boolean', condition: trait('vip', 'eq', true), expected: ['ada'] },
  { name: 'trait eq nested path', condition: trait('address.city', 'eq', 'London'), expected: ['ada'] },
  { name: 'trait eq is type-strict (the string "40" is not 40)', condition: trait('age', 'eq', 40), expected: [] },
  { name: 'trait eq is case-sensitive', condition: trait('plan', 'eq', 'gold'), expected: ['ada', 'cai'] },
  {
    name: 'trait neq includes customers without the trait',
    condition: trait('country', 'neq', 'GB'),
    expected: ['bob', 'cai', 'eve', 'fay'],
  },
  { name: 'trait gt number', condition: trait('age', 'gt', 30), expected: ['ada', 'cai'] },
  { name: 'trait gte number', condition: trait('age', 'gte', 36), expected: ['ada', 'cai'] },
  { name: 'trait lt number (decimals)', condition: trait('age', 'lt', 30), expected: ['bob', 'fay'] },
  { name: 'trait lte number', condition: trait('age', 'lte', 17), expected: ['bob'] },
  { name: 'trait lt negative number', condition: trait('score', 'lt', 0), expected: ['fay'] },
  { name: 'trait gt string (code point order)', condition: trait('name', 'gt', 'B'), expected: ['bob', 'cai', 'fay'] },
  { name: 'trait lt string beyond the BMP', condition: trait('nickname', 'lt', '\uffff'), expected: [] },
  { name: 'trait gte string beyond the BMP', condition: trait('nickname', 'gte', '🐉'), expected: ['cai'] },
  { name: 'trait in', condition: trait('plan', 'in', ['gold', 'silver']), expected: ['ada', 'bob', 'cai'] },
  { name: 'trait in mixed types', condition: trait('age', 'in', ['40', 17]), expected: ['bob', 'dee'] },
  { name: 'trait notIn', condition: trait('plan', 'notIn', ['gold']), expected: ['bob', 'dee', 'eve', 'fay'] },
  { name: 'trait contains', condition: trait('name', 'contains', 'Love'), expected: ['ada'] },
  { name: 'trait contains SQL wildcard characters literally', condition: trait('name', 'contains', '%'), expected: [] },
  { name: 'trait contains hostile text', condition: trait('name', 'contains', 'DROP TABLE'), expected: ['fay'] },
  { name: 'trait startsWith', condition: trait('name', 'startsWith', 'Bo'), expected: ['bob'] },
  { name: 'trait startsWith underscore is literal', condition: trait('name', 'startsWith', '_'), expected: [] },
  { name: 'trait exists', condition: trait('vip', 'exists'), expected: ['ada'] },
  { name: 'trait notExists', condition: trait('plan', 'notExists'), expected: ['eve', 'fay'] },
  { name: 'trait exists on an object', condition: trait('address', 'exists'), expected: ['ada'] },
  { name: 'metric gte number', condition: metric('totalSpend', 'gte', 500), expected: ['ada', 'cai'] },
  { name: 'metric eq', condition: metric('purchaseCount', 'eq', 3), expected: ['cai'] },
  { name: 'metric neq', condition: metric('purchaseCount', 'neq', 0), expected: ['ada', 'cai', 'fay'] },
  { name: 'metric gt', condition: metric('interactionCount', 'gt', 0), expected: ['ada', 'bob', 'cai', 'eve', 'fay'] },
  { name: 'metric lte', condition: metric('interactionCount', 'lte', 1), expected: ['bob', 'dee', 'eve', 'fay'] },
  { name: 'metric lt relative time', condition: metric('lastSeenAt', 'lt', { daysAgo: 100 }), expected: ['bob'] },
  { name: 'metric gte absolute time', condition: metric('lastPurchaseAt', 'gte', '2026-06-01T00:00:00Z'), expected: ['ada', 'cai'] },
  { name: 'metric eq absolute time', condition: metric('lastPurchaseAt', 'eq', '2026-06-10T12:00:00.000Z'), expected: ['cai'] },
  {
    name: 'metric neq time includes never',
    condition: metric('lastPurchaseAt', 'neq', '2026-06-10T12:00:00.000Z'),
    expected: ['ada', 'bob', 'dee', 'eve', 'fay'],
  },
  { name: 'metric exists', condition: metric('lastPurchaseAt', 'exists'), expected: ['ada', 'cai', 'fay'] },
  { name: 'metric notExists', condition: metric('firstSeenAt', 'notExists'), expected: ['dee'] },
  { name: 'metric createdAt (new customers)', condition: metric('createdAt', 'gte', { daysAgo: 30 }), expected: ['dee', 'eve'] },
  { name: 'metric lastSeenAt ignores outbound', condition: metric('lastSeenAt', 'gte', { daysAgo: 1 }), expected: ['ada'] },
  { name: 'tag has', condition: { kind: 'tag', op: 'has', value: 'vip' }, expected: ['ada', 'dee'] },
  { name: 'tag lacks', condition: { kind: 'tag', op: 'lacks', value: 'newsletter' }, expected: ['cai', 'dee', 'eve', 'fay'] },
  { name: 'lifecycle eq', condition: { kind: 'lifecycle', op: 'eq', value: 'customer' }, expected: ['ada', 'eve'] },
  {
    name: 'lifecycle neq includes none',
    condition: { kind: 'lifecycle', op: 'neq', value: 'customer' },
    expected: ['bob', 'cai', 'dee', 'fay'],
  },
  { name: 'lifecycle in', condition: { kind: 'lifecycle', op: 'in', value: ['lead', 'churned'] }, expected: ['bob', 'dee', 'fay'] },
  { name: 'lifecycle notIn', condition: { kind: 'lifecycle', op: 'notIn', value: ['lead'] }, expected: ['ada', 'cai', 'dee', 'eve'] },
  { name: 'lifecycle exists', condition: { kind: 'lifecycle', op: 'exists' }, expected: ['ada', 'bob', 'dee', 'eve', 'fay'] },
  { name: 'lifecycle notExists', condition: { kind: 'lifecycle', op: 'notExists' }, expected: ['cai'] },
  {
    name: 'events: purchases in a window',
    condition: { kind: 'events', types: ['purchase'], withinDays: 90, count: { op: 'gte', value: 2 } },
    expected: ['ada', 'cai'],
  },
  { name: 'events: none at all', condition: { kind: 'events', count: { op: 'eq', value: 0 } }, expected: ['dee'] },
  { name: 'events: by channel', condition: { kind: 'events', channels: ['wechat'], count: { op: 'gte', value: 1 } }, expected: ['cai'] },
  { name: 'events: by direction', condition: { kind: 'events', direction: 'outbound', count: { op: 'gt', value: 0 } }, expected: ['ada'] },
  {
    name: 'events: recent complaint',
    condition: { kind: 'events', types: ['complaint'], withinDays: 7, count: { op: 'gte', value: 1 } },
    expected: ['eve'],
  },
  {
    name: 'events: lt',
    condition: { kind: 'events', types: ['purchase'], count: { op: 'lt', value: 2 } },
    expected: ['bob', 'dee', 'eve', 'fay'],
  },
  {
    name: 'events: lte',
    condition: { kind: 'events', types: ['purchase', 'page_view'], count: { op: 'lte', value: 1 } },
    expected: ['bob', 'dee', 'eve', 'fay'],
  },
  {
    name: 'consent granted (channel grant and wildcard grant)',
    condition: { kind: 'consent', purpose: 'marketing', channel: 'email', status: 'granted' },
    expected: ['ada', 'cai'],
  },
  {
    name: 'consent denied (later channel withdrawal)',
    condition: { kind: 'consent', purpose: 'marketing', channel: 'email', status: 'denied' },
    expected: ['bob'],
  },
  {
    name: 'consent unknown',
    condition: { kind: 'consent', purpose: 'marketing', channel: 'email', status: 'unknown' },
    expected: ['dee', 'eve', 'fay'],
  },
  {
    name: 'consent on another channel follows the wildcard',
    condition: { kind: 'consent', purpose: 'marketing', channel: 'sms', status: 'granted' },
    expected: ['bob', 'cai'],
  },
  { name: 'consent wildcard question', condition: { kind: 'consent', purpose: 'analytics', status: 'granted' }, expected: ['eve'] },
  { name: 'identity exists', condition: { kind: 'identity', type: 'email', op: 'exists' }, expected: ['ada', 'bob', 'eve', 'fay'] },
  {
    name: 'identity exists in a namespace',
    condition: { kind: 'identity', type: 'external', namespace: 'wechat', op: 'exists' },
    expected: ['cai'],
  },
  {
    name: 'identity notExists',
    condition: { kind: 'identity', type: 'external', op: 'notExists' },
    expected: ['ada', 'bob', 'eve', 'fay'],
  },
  {
    name: 'and',
    condition: { kind: 'and', of: [{ kind: 'tag', op: 'has', value: 'vip' }, trait('country', 'eq', 'GB')] },
    expected: ['ada', 'dee'],
  },
  {
    name: 'or',
    condition: { kind: 'or', of: [{ kind: 'lifecycle', op: 'eq', value: 'churned' }, trait('country', 'eq', 'CN')] },
    expected: ['cai', 'dee'],
  },
  { name: 'not', condition: { kind: 'not', condition: { kind: 'tag', op: 'has', value: 'vip' } }, expected: ['bob', 'cai', 'eve', 'fay'] },
  {
    name: 'not of a type-mismatched comparison',
    condition: { kind: 'not', condition: trait('age', 'gt', 30) },
    expected: ['bob', 'dee', 'eve', 'fay'],
  },
  {
    name: 'nested and / or / not',
    condition: {
      kind: 'and',
      of: [
        { kind: 'or', of: [metric('totalSpend', 'gte', 500), { kind: 'tag', op: 'has', value: 'vip' }] },
        { kind: 'not', condition: { kind: 'consent', purpose: 'marketing', channel: 'email', status: 'granted' } },
      ],
    },
    expected: ['dee'],
  },
];

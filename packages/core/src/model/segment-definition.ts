import { z } from 'zod';
import { IDENTITY_TYPES } from './identity.js';
import { DIRECTIONS } from './interaction.js';
import { DATE_METRIC_FIELDS, METRIC_FIELDS } from './metrics.js';

/** A time relative to evaluation: `{ daysAgo: 90 }` is 90 days before now. */
export const RelativeTimeSchema = z.strictObject({ daysAgo: z.number().nonnegative().max(36500) });
/** A relative time. */
export type RelativeTime = z.infer<typeof RelativeTimeSchema>;

/** A scalar a condition compares with. ISO date strings compare as strings in traits. */
export const ScalarSchema = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);
/** A comparable scalar. */
export type Scalar = z.infer<typeof ScalarSchema>;

/** Comparison operators for traits. */
export const FIELD_OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'exists',
  'notExists',
] as const;
/** One of {@link FIELD_OPERATORS}. */
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

/** Operators for numeric and time metrics. */
export const METRIC_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'notExists'] as const;
/** Operators for counts. */
export const COUNT_OPERATORS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

/**
 * Trait paths: dot-separated names of letters, digits and `_` (e.g. `address.country`).
 * The grammar is the allow-list that keeps field names out of SQL as raw text.
 */
export const TraitPathSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,4}$/, 'must be a dotted path of names (a-z, 0-9, _)');

const slug = z.string().regex(/^[a-z0-9*][a-z0-9_.:-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, _ . : -');

/** `{ kind: 'trait' }`: compare a trait (standard or custom) with a value. */
export const TraitConditionSchema = z
  .strictObject({
    kind: z.literal('trait'),
    field: TraitPathSchema,
    op: z.enum(FIELD_OPERATORS),
    value: z.union([ScalarSchema, z.array(ScalarSchema).max(1000)]).optional(),
  })
  .superRefine((condition, ctx) => checkOperand(condition.op, condition.value, ctx));

/** `{ kind: 'metric' }`: compare a metric; time metrics take an ISO time or `{ daysAgo }`. */
export const MetricConditionSchema = z
  .strictObject({
    kind: z.literal('metric'),
    field: z.enum(METRIC_FIELDS),
    op: z.enum(METRIC_OPERATORS),
    value: z.union([z.number().finite(), z.iso.datetime({ offset: true }), RelativeTimeSchema]).optional(),
  })
  .superRefine((condition, ctx) => {
    const needsValue = condition.op !== 'exists' && condition.op !== 'notExists';
    if (!needsValue) {
      if (condition.value !== undefined)
        ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${condition.op}" takes no value` });
      return;
    }
    if (condition.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${condition.op}" needs a value` });
      return;
    }
    const isTimeField = DATE_METRIC_FIELDS.has(condition.field);
    if (isTimeField === (typeof condition.value === 'number')) {
      const expected = isTimeField ? 'an ISO time or { daysAgo }' : 'a number';
      ctx.addIssue({ code: 'custom', path: ['value'], message: `metric "${condition.field}" compares with ${expected}` });
    }
  });

/** `{ kind: 'tag' }`: the customer has (or lacks) a tag. */
export const TagConditionSchema = z.strictObject({
  kind: z.literal('tag'),
  op: z.enum(['has', 'lacks']),
  value: z.string().min(1).max(64),
});

/** `{ kind: 'lifecycle' }`: the customer's lifecycle stage. */
export const LifecycleConditionSchema = z
  .strictObject({
    kind: z.literal('lifecycle'),
    op: z.enum(['eq', 'neq', 'in', 'notIn', 'exists', 'notExists']),
    value: z.union([z.string(), z.array(z.string()).max(100)]).optional(),
  })
  .superRefine((condition, ctx) => checkOperand(condition.op, condition.value, ctx));

/** `{ kind: 'events' }`: how many matching interactions the customer has, optionally in a window. */
export const EventsConditionSchema = z.strictObject({
  kind: z.literal('events'),
  /** Interaction types to count; all types when left out. */
  types: z.array(slug).min(1).max(50).optional(),
  channels: z.array(slug).min(1).max(50).optional(),
  direction: z.enum(DIRECTIONS).optional(),
  /** Only interactions in the last N days (relative to evaluation time). */
  withinDays: z.number().positive().max(36500).optional(),
  count: z.strictObject({ op: z.enum(COUNT_OPERATORS), value: z.number().int().nonnegative() }),
});

/** `{ kind: 'consent' }`: the customer's consent state for a purpose and channel. */
export const ConsentConditionSchema = z.strictObject({
  kind: z.literal('consent'),
  purpose: slug,
  channel: slug.default('*'),
  status: z.enum(['granted', 'denied', 'unknown']),
});

/** `{ kind: 'identity' }`: the customer has (or lacks) an identity of a type. */
export const IdentityConditionSchema = z.strictObject({
  kind: z.literal('identity'),
  type: z.enum(IDENTITY_TYPES),
  namespace: z.string().max(64).optional(),
  op: z.enum(['exists', 'notExists']),
});

/** A segment condition: a leaf, or `and` / `or` / `not` of conditions. */
export type SegmentCondition =
  | z.infer<typeof TraitConditionSchema>
  | z.infer<typeof MetricConditionSchema>
  | z.infer<typeof TagConditionSchema>
  | z.infer<typeof LifecycleConditionSchema>
  | z.infer<typeof EventsConditionSchema>
  | z.infer<typeof ConsentConditionSchema>
  | z.infer<typeof IdentityConditionSchema>
  | { kind: 'and'; of: SegmentCondition[] }
  | { kind: 'or'; of: SegmentCondition[] }
  | { kind: 'not'; condition: SegmentCondition };

/** A segment condition as written by the app (defaults not yet applied). */
export type SegmentConditionInput =
  | z.input<typeof TraitConditionSchema>
  | z.input<typeof MetricConditionSchema>
  | z.input<typeof TagConditionSchema>
  | z.input<typeof LifecycleConditionSchema>
  | z.input<typeof EventsConditionSchema>
  | z.input<typeof ConsentConditionSchema>
  | z.input<typeof IdentityConditionSchema>
  | { kind: 'and'; of: SegmentConditionInput[] }
  | { kind: 'or'; of: SegmentConditionInput[] }
  | { kind: 'not'; condition: SegmentConditionInput };

/** The recursive condition schema: the whole segment DSL. */
export const SegmentConditionSchema: z.ZodType<SegmentCondition, SegmentConditionInput> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    TraitConditionSchema,
    MetricConditionSchema,
    TagConditionSchema,
    LifecycleConditionSchema,
    EventsConditionSchema,
    ConsentConditionSchema,
    IdentityConditionSchema,
    z.strictObject({ kind: z.literal('and'), of: z.array(SegmentConditionSchema).min(1).max(100) }),
    z.strictObject({ kind: z.literal('or'), of: z.array(SegmentConditionSchema).min(1).max(100) }),
    z.strictObject({ kind: z.literal('not'), condition: SegmentConditionSchema }),
  ]),
);

/** A named segment: a key the app refers to it by, and its condition. */
export const SegmentDefinitionSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a slug such as "high-value"'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).nullable().default(null),
  condition: SegmentConditionSchema,
});
/** A segment definition as the app passes it in. */
export type SegmentDefinitionInput = z.input<typeof SegmentDefinitionSchema>;
/** A validated segment definition. */
export type SegmentDefinition = z.output<typeof SegmentDefinitionSchema>;

/** A stored segment. */
export interface Segment extends SegmentDefinition {
  id: string;
  tenantId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Identity for `defineSegment`: gives a definition its type without any runtime cost. */
export function defineSegment<const T extends SegmentDefinitionInput>(definition: T): T {
  return definition;
}

function checkOperand(op: string, value: unknown, ctx: z.RefinementCtx): void {
  const isList = Array.isArray(value);
  if (op === 'exists' || op === 'notExists') {
    if (value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${op}" takes no value` });
    return;
  }
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${op}" needs a value` });
    return;
  }
  if ((op === 'in' || op === 'notIn') !== isList) {
    const expected = isList ? 'a single value' : 'a list of values';
    ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${op}" takes ${expected}` });
    return;
  }
  if ((op === 'contains' || op === 'startsWith') && typeof value !== 'string') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${op}" takes a string` });
  }
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && typeof value === 'boolean') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${op}" takes a number or a string` });
  }
}

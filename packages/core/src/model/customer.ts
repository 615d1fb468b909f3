import { z } from 'zod';
import { DateInputSchema } from './date-input.js';
import { type Identity, IdentityInputSchema, IdentitySchema } from './identity.js';
import { type CustomerMetrics, CustomerMetricsSchema } from './metrics.js';

const tagSchema = z.string().trim().min(1).max(64);

/** Most tags a customer may be given in one call (`create`, `upsert`, `tag`, `untag`). */
export const MAX_TAGS_PER_CALL = 200;
const lifecycleStageSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a lower-case slug such as "lead" or "customer"');

/** Lifecycle stages Rapport knows by name; apps may use their own slugs too. */
export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'prospect', 'customer', 'loyal', 'at_risk', 'churned'] as const;

/** A customer record. `TTraits` is the app's trait type (standard + custom fields). */
export interface Customer<TTraits = Record<string, unknown>> {
  id: string;
  tenantId: string;
  identities: Identity[];
  traits: TTraits;
  tags: string[];
  lifecycleStage: string | null;
  metrics: CustomerMetrics;
  createdAt: Date;
  updatedAt: Date;
  /** Incremented on every profile change; pass it back to `update` to detect lost updates. */
  version: number;
}

/** Runtime schema of a stored customer (traits checked separately against the app's schema). */
export const CustomerSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  identities: z.array(IdentitySchema),
  traits: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  lifecycleStage: z.string().nullable(),
  metrics: CustomerMetricsSchema,
  createdAt: z.date(),
  updatedAt: z.date(),
  version: z.number().int().positive(),
});

/** Input of `crm.customers.create`. Traits are checked against the app's schema. */
export const CreateCustomerInputSchema = z.object({
  identities: z.array(IdentityInputSchema).max(100).default([]),
  traits: z.record(z.string(), z.unknown()).default({}),
  tags: z.array(tagSchema).max(MAX_TAGS_PER_CALL).default([]),
  lifecycleStage: lifecycleStageSchema.nullable().default(null),
});

/** Input of `crm.customers.upsert`: at least one identity to look the customer up by. */
export const UpsertCustomerInputSchema = z.object({
  identities: z.array(IdentityInputSchema).min(1, 'at least one identity is needed to upsert').max(100),
  traits: z.record(z.string(), z.unknown()).default({}),
  tags: z.array(tagSchema).max(MAX_TAGS_PER_CALL).default([]),
  lifecycleStage: lifecycleStageSchema.nullable().optional(),
});

/**
 * Input of `crm.customers.update`. `traits` is a JSON merge patch: keys set to `null` are
 * removed, others replace the stored value.
 */
export const UpdateCustomerInputSchema = z.object({
  traits: z.record(z.string(), z.unknown()).optional(),
  lifecycleStage: lifecycleStageSchema.nullable().optional(),
  /** When given, the update fails with a conflict unless the stored version matches. */
  expectedVersion: z.number().int().positive().optional(),
});

/** Filters for `crm.customers.list`. */
export const CustomerListQuerySchema = z.object({
  tag: tagSchema.optional(),
  lifecycleStage: lifecycleStageSchema.optional(),
  createdAfter: DateInputSchema.optional(),
  createdBefore: DateInputSchema.optional(),
  updatedSince: DateInputSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  cursor: z.string().optional(),
});
/** Filters for `crm.customers.list`, as passed in. */
export type CustomerListQuery = z.input<typeof CustomerListQuerySchema>;
/** Filters for `crm.customers.list`, after defaults. */
export type CustomerListFilter = z.output<typeof CustomerListQuerySchema>;

/** The tags argument of `crm.customers.tag` and `untag`: one tag, or a list of them. */
export const TagListSchema = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(tagSchema).max(MAX_TAGS_PER_CALL, `at most ${MAX_TAGS_PER_CALL} tags per call`),
);

export { lifecycleStageSchema as LifecycleStageSchema, tagSchema as TagSchema };

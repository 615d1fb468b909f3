import { z } from 'zod';
import { DateInputSchema } from './date-input.js';
import { IdentityInputSchema } from './identity.js';

/** Whether the customer reached out, the business did, or it happened without contact. */
export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
/** One of {@link DIRECTIONS}. */
export type Direction = (typeof DIRECTIONS)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, _ . : -');

/** A touchpoint in the log. `TProps` is the app's interaction-properties type. */
export interface Interaction<TProps = Record<string, unknown>> {
  id: string;
  tenantId: string;
  customerId: string;
  /** Where it happened: `web`, `pos`, `email`, `sms`, `wechat`, … */
  channel: string;
  /** What happened: `purchase`, `page_view`, `email.opened`, `complaint`, … */
  type: string;
  direction: Direction;
  occurredAt: Date;
  recordedAt: Date;
  properties: TProps;
  /** The system that reported it, e.g. `shopify` or `store-42`. */
  source: string | null;
  /** The same key twice is stored once. Unique per tenant. */
  idempotencyKey: string | null;
}

/**
 * Input of `crm.interactions.record`. Give `customerId`, or an `identity` to find the
 * customer by (a new customer is created when none has it).
 */
export const RecordInteractionInputSchema = z
  .object({
    customerId: z.string().min(1).optional(),
    identity: IdentityInputSchema.optional(),
    channel: slug,
    type: slug,
    direction: z.enum(DIRECTIONS).default('inbound'),
    occurredAt: DateInputSchema.optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
    source: z.string().min(1).max(128).nullable().default(null),
    idempotencyKey: z.string().min(1).max(256).nullable().default(null),
  })
  .refine((input) => input.customerId !== undefined || input.identity !== undefined, {
    message: 'give either customerId or identity',
    path: ['customerId'],
  });
/** An interaction as the app passes it in. */
export type RecordInteractionInput<TProps = Record<string, unknown>> = Omit<z.input<typeof RecordInteractionInputSchema>, 'properties'> & {
  properties?: TProps;
};

/** Most values a timeline filter list (`types`, `channels`) may hold. */
export const MAX_FILTER_VALUES = 100;

const filterList = (what: string) =>
  z
    .array(slug)
    .min(1, `give at least one ${what}, or leave the filter out for all of them`)
    .max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values`);

/**
 * Filters for a customer's timeline. Newest first. `types` and `channels`, when given, hold
 * 1-100 slugs (an empty list is rejected: leave the filter out to see every type).
 */
export const TimelineQuerySchema = z.object({
  types: filterList('type').optional(),
  channels: filterList('channel').optional(),
  since: DateInputSchema.optional(),
  until: DateInputSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  cursor: z.string().optional(),
});
/** Timeline filters as passed in. */
export type TimelineQuery = z.input<typeof TimelineQuerySchema>;
/** Timeline filters after defaults. */
export type TimelineFilter = z.output<typeof TimelineQuerySchema>;

/** The fields compared when an item's idempotency key is already taken. */
export const DUPLICATE_FIELDS = ['customerId', 'channel', 'type', 'direction', 'occurredAt', 'properties', 'source'] as const;
/** One of {@link DUPLICATE_FIELDS}. */
export type DuplicateField = (typeof DUPLICATE_FIELDS)[number];

/**
 * An item not stored because its idempotency key is taken: by an interaction stored before,
 * or by an earlier item of the same batch. `conflict` tells a retry of the same event (a
 * natural duplicate: `false`) from a different event that claimed the same key (a synthetic
 * duplicate: `true`, with the fields that differ). Either way nothing is written for it.
 */
export interface DuplicateOutcome {
  index: number;
  status: 'duplicate';
  idempotencyKey: string;
  /** The interaction that holds the key; null only if it can no longer be read. */
  existing: { id: string; customerId: string } | null;
  /** True when this item differs from `existing` in any of {@link DUPLICATE_FIELDS}. */
  conflict: boolean;
  /**
   * The fields that differ, in {@link DUPLICATE_FIELDS} order. `occurredAt` is compared only
   * when the item gives one (otherwise it defaults to the time of recording, which a retry
   * cannot repeat); `properties` as JSON, whatever the key order; `customerId` after merges.
   */
  differences: DuplicateField[];
}

/** What happened to one item of a `recordMany` batch. */
export type RecordOutcome<TProps = Record<string, unknown>> =
  | { index: number; status: 'stored'; interaction: Interaction<TProps> }
  | DuplicateOutcome
  | { index: number; status: 'rejected'; error: import('../errors/rapport-error.js').RapportError };

/** The result of `recordMany`: one outcome per input item, in input order, plus counts. */
export interface RecordManyResult<TProps = Record<string, unknown>> {
  outcomes: RecordOutcome<TProps>[];
  stored: number;
  duplicates: number;
  rejected: number;
}

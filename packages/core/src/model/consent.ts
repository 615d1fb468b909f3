import { z } from 'zod';
import { DateInputSchema } from './date-input.js';

/** Purposes Rapport knows by name; apps may add their own slugs. */
export const CONSENT_PURPOSES = ['marketing', 'analytics', 'personalisation', 'profiling', 'transactional'] as const;

/** A channel value that applies a consent record to every channel of its purpose. */
export const ALL_CHANNELS = '*';

/** Who recorded a consent change when the caller does not say: the app itself. */
export const DEFAULT_CONSENT_ACTOR = 'app';

/** A purpose slug: 1-64 characters of a-z, 0-9, `_ . : -`. */
export const ConsentPurposeSchema = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, _ . : -');
const slug = ConsentPurposeSchema;
const channelSchema = z.union([z.literal(ALL_CHANNELS), slug]);

/**
 * What a ledger record says: the customer `granted` consent, `denied` it when asked,
 * `withdrew` an earlier grant, or a grant is `pending` confirmation (double opt-in). A
 * pending record never decides anything; its confirmation appends a `granted` record.
 */
export type ConsentRecordStatus = 'granted' | 'denied' | 'withdrawn' | 'pending';

/**
 * One entry of the consent ledger. The ledger is append-only: no API updates or deletes a
 * record; a withdrawal, a denial or a confirmation adds one. (A merge re-points the records of
 * the merged-away customer to the survivor, leaving their contents as they were.)
 */
export interface ConsentRecord {
  id: string;
  tenantId: string;
  customerId: string;
  purpose: string;
  /** A channel such as `email`, or `*` for every channel. */
  channel: string;
  status: ConsentRecordStatus;
  /** Where the customer said so: `checkout`, `preference-centre`, `store-42`, … */
  source: string;
  /** Who recorded it: a user or service id of the app; {@link DEFAULT_CONSENT_ACTOR} when not given. */
  actor: string;
  /** Version of the privacy notice the customer saw. */
  noticeVersion: string | null;
  /** Evidence: IP, user agent, form id, a signed document reference, … */
  proof: Record<string, unknown> | null;
  /** When a grant lapses (on a pending record: when the grant it asks for will lapse); null for never. */
  expiresAt: Date | null;
  /** On a grant that confirms a double opt-in: the id of the pending record (the token's id). */
  requestId: string | null;
  occurredAt: Date;
  recordedAt: Date;
}

/** Input of `crm.consent.grant`, `deny`, `withdraw` and `requestGrant`. */
export const ConsentChangeInputSchema = z.object({
  customerId: z.string().min(1),
  purpose: slug,
  channel: channelSchema.default(ALL_CHANNELS),
  source: z.string().min(1).max(128),
  actor: z.string().min(1).max(128).default(DEFAULT_CONSENT_ACTOR),
  noticeVersion: z.string().min(1).max(64).nullable().default(null),
  proof: z.record(z.string(), z.unknown()).nullable().default(null),
  /** Only for grants: when the grant lapses; must be after `occurredAt`. */
  expiresAt: DateInputSchema.nullable().default(null),
  occurredAt: DateInputSchema.optional(),
  /**
   * Write only if it changes something: when the latest record for this purpose and channel
   * already has this status (for a grant, also the same `expiresAt` and `noticeVersion`: a
   * renewal changes something), nothing is written and that record is returned (no event). Decided
   * under the customer's lock, so two concurrent opt-outs write one withdrawal.
   */
  ifChanged: z.boolean().default(false),
});
/** A consent change as the app passes it in. */
export type ConsentChangeInput = z.input<typeof ConsentChangeInputSchema>;

/** Input of `crm.consent.check`. */
export const ConsentCheckInputSchema = z.object({
  customerId: z.string().min(1),
  purpose: slug,
  channel: channelSchema.default(ALL_CHANNELS),
});
/** A consent question as the app passes it in. */
export type ConsentCheckInput = z.input<typeof ConsentCheckInputSchema>;

/** Input of `crm.consent.decide` and `assertAllowed`: `check`'s question, at a time (default now). */
export const ConsentDecideInputSchema = ConsentCheckInputSchema.extend({ at: DateInputSchema.optional() });
/** A consent question, optionally about a past (or future) moment. */
export type ConsentDecideInput = z.input<typeof ConsentDecideInputSchema>;

/** The filter of `crm.consent.history`: one purpose, or every purpose when left out. */
export const ConsentHistoryFilterSchema = z.object({ purpose: slug.optional() });

/** The filter of `crm.consent.stateAt`: one purpose and/or one channel. */
export const ConsentStateFilterSchema = z.object({ purpose: slug.optional(), channel: channelSchema.optional() });
/** Which (purpose, channel) pairs `crm.consent.stateAt` reports. */
export type ConsentStateFilter = z.input<typeof ConsentStateFilterSchema>;

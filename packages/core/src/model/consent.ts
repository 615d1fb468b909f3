import { z } from 'zod';
import { DateInputSchema } from './date-input.js';

/** Purposes Rapport knows by name; apps may add their own slugs. */
export const CONSENT_PURPOSES = ['marketing', 'analytics', 'personalisation', 'profiling', 'transactional'] as const;

/** A channel value that applies a consent record to every channel of its purpose. */
export const ALL_CHANNELS = '*';

const slug = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, _ . : -');
const channelSchema = z.union([z.literal(ALL_CHANNELS), slug]);

/** One entry of the consent ledger. The ledger is append-only: withdrawing adds a record. */
export interface ConsentRecord {
  id: string;
  tenantId: string;
  customerId: string;
  purpose: string;
  /** A channel such as `email`, or `*` for every channel. */
  channel: string;
  status: 'granted' | 'withdrawn';
  /** Where the customer said so: `checkout`, `preference-centre`, `store-42`, … */
  source: string;
  /** Version of the privacy notice the customer saw. */
  noticeVersion: string | null;
  /** Evidence: IP, user agent, form id, a signed document reference, … */
  proof: Record<string, unknown> | null;
  occurredAt: Date;
  recordedAt: Date;
}

/** Input of `crm.consent.grant` and `crm.consent.withdraw`. */
export const ConsentChangeInputSchema = z.object({
  customerId: z.string().min(1),
  purpose: slug,
  channel: channelSchema.default(ALL_CHANNELS),
  source: z.string().min(1).max(128),
  noticeVersion: z.string().min(1).max(64).nullable().default(null),
  proof: z.record(z.string(), z.unknown()).nullable().default(null),
  occurredAt: DateInputSchema.optional(),
});
/** A consent change as the app passes it in. */
export type ConsentChangeInput = z.input<typeof ConsentChangeInputSchema>;

/** Input of `crm.consent.check`. */
export const ConsentCheckInputSchema = z.object({
  customerId: z.string().min(1),
  purpose: slug,
  channel: channelSchema.default(ALL_CHANNELS),
});
/** The filter of `crm.consent.history`: one purpose, or every purpose when left out. */
export const ConsentHistoryFilterSchema = z.object({ purpose: slug.optional() });

/** A consent question as the app passes it in. */
export type ConsentCheckInput = z.input<typeof ConsentCheckInputSchema>;

/** The answer to a consent question. */
export type ConsentStatus = 'granted' | 'denied' | 'unknown';

/** The answer with the ledger record that decided it (null when nothing is on record). */
export interface ConsentDecision {
  purpose: string;
  channel: string;
  status: ConsentStatus;
  decidedBy: ConsentRecord | null;
}

/**
 * Decides consent for (purpose, channel) from the ledger: the latest record for that
 * purpose whose channel is the one asked or `*` wins, so a later "withdraw all marketing"
 * overrides an earlier e-mail grant, and a later e-mail grant re-opens e-mail only.
 * Ties on time go to the channel-specific record, then to the later-recorded one.
 */
export function decideConsent(records: readonly ConsentRecord[], purpose: string, channel: string): ConsentDecision {
  let winner: ConsentRecord | null = null;
  for (const record of records) {
    if (record.purpose !== purpose) continue;
    if (record.channel !== channel && record.channel !== ALL_CHANNELS) continue;
    if (!winner || compareConsentPrecedence(record, winner, channel) > 0) winner = record;
  }
  return {
    purpose,
    channel,
    status: winner === null ? 'unknown' : winner.status === 'granted' ? 'granted' : 'denied',
    decidedBy: winner,
  };
}

function compareConsentPrecedence(a: ConsentRecord, b: ConsentRecord, channel: string): number {
  const byTime = a.occurredAt.getTime() - b.occurredAt.getTime();
  if (byTime !== 0) return byTime;
  const specific = Number(a.channel === channel) - Number(b.channel === channel);
  if (specific !== 0) return specific;
  const byRecorded = a.recordedAt.getTime() - b.recordedAt.getTime();
  if (byRecorded !== 0) return byRecorded;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The latest decision for every (purpose, channel) pair that has a record. */
export function consentStates(records: readonly ConsentRecord[]): ConsentDecision[] {
  const pairs = new Map<string, { purpose: string; channel: string }>();
  for (const record of records) pairs.set(`${record.purpose}\u0000${record.channel}`, record);
  return [...pairs.values()]
    .map(({ purpose, channel }) => decideConsent(records, purpose, channel))
    .sort((a, b) => a.purpose.localeCompare(b.purpose) || a.channel.localeCompare(b.channel));
}

import { ALL_CHANNELS, type ConsentRecord } from './consent.js';
import { type ConsentNotice, type ConsentPolicy, type ConsentRules, DEFAULT_CONSENT_RULES } from './consent-rules.js';

/** The state of consent for a purpose and channel: `granted`, `denied` (said no or withdrew) or `unknown`. */
export type ConsentStatus = 'granted' | 'denied' | 'unknown';

/**
 * Why a decision came out as it did:
 * - `granted`: a grant in force decides;
 * - `denied` / `withdrawn`: the customer said no when asked / withdrew;
 * - `expired`: the deciding grant lapsed (`expiresAt` passed);
 * - `notice-outdated`: the deciding grant was given under a notice version older than a
 *   material version in force, so fresh consent is needed;
 * - `default-opt-out`: nothing on record and the purpose is opt-out;
 * - `no-consent`: nothing on record and the purpose is opt-in.
 */
export type ConsentReason = 'granted' | 'denied' | 'withdrawn' | 'expired' | 'notice-outdated' | 'default-opt-out' | 'no-consent';

/** The answer to a consent question, with the ledger record that decided it. */
export interface ConsentDecision {
  purpose: string;
  channel: string;
  /** The moment the question was about. */
  at: Date;
  /** Whether the purpose may be pursued on the channel at `at`. */
  allowed: boolean;
  state: ConsentStatus;
  reason: ConsentReason;
  /** The deciding record, or null when nothing is on record. */
  record: ConsentRecord | null;
  /** The purpose's default policy (it decides only when `record` is null). */
  policy: ConsentPolicy;
  /** @deprecated The same as `state`; kept for callers of the first `check`. */
  status: ConsentStatus;
  /** @deprecated The same as `record`; kept for callers of the first `check`. */
  decidedBy: ConsentRecord | null;
}

/** What a decision is about: a purpose, a channel and a moment. */
export interface ConsentQuestion {
  purpose: string;
  channel: string;
  at: Date;
}

/**
 * Decides consent for (purpose, channel) at `at` from the ledger. Of the records that had
 * happened by then (pending ones never decide), the latest for that purpose whose channel
 * is the one asked or `*` wins, so a later "withdraw all marketing" overrides an earlier
 * e-mail grant, and a later e-mail grant re-opens e-mail only. Ties on time go to the
 * channel-specific record, then to the later-recorded one. A winning grant that has lapsed,
 * or predates a material notice version in force, reads `unknown`; with nothing on record the
 * purpose's policy decides.
 */
export function decideConsent(
  records: readonly ConsentRecord[],
  question: ConsentQuestion,
  rules: ConsentRules = DEFAULT_CONSENT_RULES,
): ConsentDecision {
  const { purpose, channel, at } = question;
  const time = at.getTime();
  let winner: ConsentRecord | null = null;
  for (const record of records) {
    if (record.purpose !== purpose || record.status === 'pending' || record.occurredAt.getTime() > time) continue;
    if (record.channel !== channel && record.channel !== ALL_CHANNELS) continue;
    if (!winner || compareConsentPrecedence(record, winner, channel) > 0) winner = record;
  }
  const policy = rules.policyOf(purpose);
  const answer = (allowed: boolean, state: ConsentStatus, reason: ConsentReason): ConsentDecision => ({
    purpose,
    channel,
    at,
    allowed,
    state,
    reason,
    record: winner,
    policy,
    status: state,
    decidedBy: winner,
  });
  if (winner === null) return policy === 'opt-out' ? answer(true, 'unknown', 'default-opt-out') : answer(false, 'unknown', 'no-consent');
  if (winner.status === 'withdrawn' || winner.status === 'denied') return answer(false, 'denied', winner.status);
  if (winner.expiresAt !== null && winner.expiresAt.getTime() <= time) return answer(false, 'unknown', 'expired');
  if (predatesMaterialNotice(winner, rules.noticesOf(purpose), time)) return answer(false, 'unknown', 'notice-outdated');
  return answer(true, 'granted', 'granted');
}

/**
 * True when a material notice version is in force at `time` and the grant was not given
 * under it or a later version (an unregistered or missing version counts as older).
 */
function predatesMaterialNotice(grant: ConsentRecord, notices: readonly ConsentNotice[], time: number): boolean {
  let material: ConsentNotice | undefined;
  for (const notice of notices) if (notice.material && notice.effectiveAt.getTime() <= time) material = notice;
  if (!material) return false;
  const under = notices.find((notice) => notice.version === grant.noticeVersion);
  return under === undefined || under.effectiveAt.getTime() < material.effectiveAt.getTime();
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

/**
 * The decision at `at` for every (purpose, channel) pair that has a deciding record by then
 * (pending records alone do not make a pair), ordered by purpose, then channel.
 */
export function consentStates(records: readonly ConsentRecord[], at: Date, rules: ConsentRules = DEFAULT_CONSENT_RULES): ConsentDecision[] {
  const pairs = new Map<string, { purpose: string; channel: string }>();
  for (const record of records) {
    if (record.status === 'pending' || record.occurredAt.getTime() > at.getTime()) continue;
    pairs.set(`${record.purpose}\u0000${record.channel}`, record);
  }
  return [...pairs.values()]
    .map(({ purpose, channel }) => decideConsent(records, { purpose, channel, at }, rules))
    .sort((a, b) => a.purpose.localeCompare(b.purpose) || a.channel.localeCompare(b.channel));
}

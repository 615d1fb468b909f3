import { type ConsentRecord, type Crm, decideConsent } from '@rapport/core';
import type { ChannelAddress, TenantContext } from '@rapport/core/plugin';

/** The send a guard decides on, at dispatch time. */
export interface SendCheck {
  readonly messageId: string;
  readonly customerId: string;
  readonly purpose: string;
  readonly channel: string;
  /** The address the message goes to on that channel. */
  readonly recipient: ChannelAddress;
  readonly transactional: boolean;
  /** The time of the attempt (the Crm's clock). */
  readonly at: Date;
}

/** A guard's answer: go ahead, or a reason the message ends `blocked` with. */
export type GuardVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * A check every send passes at dispatch time, after the message was queued: the privacy
 * suppression list, consent, caps, and whatever the app adds (a do-not-contact list of its
 * own):
 *
 * ```ts no-check
 * messaging({ guards: [{ name: 'dnc', transactional: false, check: async (send) =>
 *   (await doNotContact.has(send.customerId)) ? { allowed: false, reason: 'on the do-not-contact list' } : { allowed: true } }] })
 * ```
 */
export interface SendGuard {
  /** Shown in the reason of a message it blocks, e.g. `consent`. */
  readonly name: string;
  /**
   * Whether transactional messages pass it too. Marketing consent does not apply to them; a
   * suppression or an erasure does.
   */
  readonly transactional: boolean;
  check(send: SendCheck, crm: Crm): Promise<GuardVerdict>;
  /**
   * Optional: decides several sends at once, one verdict each in order, as `check` would
   * decide each. A dispatch batch calls it with the batch's sends, so a guard that reads can
   * read once for all of them; without it, `check` runs per send.
   */
  checkMany?(sends: readonly SendCheck[], crm: Crm): Promise<GuardVerdict[]>;
}

/**
 * The consent gate for the message's purpose and channel, decided as `crm.consent.decide`
 * decides (the same ledger rules) from the tenant's ledger directly: dispatch has already
 * found the customer live, so the gate costs one read. Transactional messages skip it.
 */
export function consentGuard(tenant: Pick<TenantContext, 'store' | 'config' | 'clock'>): SendGuard {
  return {
    name: 'consent',
    transactional: false,
    async check(send) {
      const history = await tenant.store.consents.history(send.customerId, { purpose: send.purpose });
      return consentVerdict(history, send);
    },
    async checkMany(sends) {
      // One read per purpose in the batch (usually one), every customer's history at once.
      const histories = new Map<string, Map<string, ConsentRecord[]>>();
      for (const purpose of new Set(sends.map((send) => send.purpose))) {
        const customers = sends.filter((send) => send.purpose === purpose).map((send) => send.customerId);
        histories.set(purpose, await tenant.store.consents.historyMany(customers, { purpose }));
      }
      return sends.map((send) => consentVerdict(histories.get(send.purpose)?.get(send.customerId) ?? [], send));
    },
  };

  function consentVerdict(history: readonly ConsentRecord[], send: SendCheck): GuardVerdict {
    const decision = decideConsent(history, { purpose: send.purpose, channel: send.channel, at: send.at }, tenant.config.consent.rules);
    return decision.allowed ? { allowed: true } : { allowed: false, reason: `consent: ${decision.reason}` };
  }
}

/** Runs the guards that apply to `send` in order; the first refusal wins. */
export async function runGuards(guards: readonly SendGuard[], send: SendCheck, crm: Crm): Promise<GuardVerdict> {
  for (const guard of guards) {
    if (send.transactional && !guard.transactional) continue;
    const verdict = checkedVerdict(guard, await guard.check(send, crm));
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

/**
 * Runs the guards for a batch of sends: each guard in order over the sends it applies to
 * that are still allowed (`checkMany` when it has one), so each send gets the verdict
 * `runGuards` would give it: the first refusal wins.
 */
export async function runGuardsMany(guards: readonly SendGuard[], sends: readonly SendCheck[], crm: Crm): Promise<GuardVerdict[]> {
  const verdicts: GuardVerdict[] = sends.map(() => ({ allowed: true }));
  for (const guard of guards) {
    const open = sends
      .map((send, index) => ({ send, index }))
      .filter(({ send, index }) => verdicts[index]?.allowed && (guard.transactional || !send.transactional));
    if (open.length === 0) continue;
    const answers = guard.checkMany
      ? await guard.checkMany(
          open.map(({ send }) => send),
          crm,
        )
      : await Promise.all(open.map(({ send }) => guard.check(send, crm)));
    if (!Array.isArray(answers) || answers.length !== open.length)
      throw new Error(
        `guard "${guard.name}" gave ${Array.isArray(answers) ? answers.length : 'no list of'} verdicts for ${open.length} sends`,
      );
    for (const [position, { index }] of open.entries()) verdicts[index] = checkedVerdict(guard, answers[position]);
  }
  return verdicts;
}

/**
 * A guard's answer, checked: `{ allowed: true }` or `{ allowed: false, reason }` with a reason to
 * show. Anything else is the guard's bug and fails the send's attempt (retried), never a silent
 * pass or an unexplained block.
 */
function checkedVerdict(guard: SendGuard, verdict: unknown): GuardVerdict {
  const given = verdict as { allowed?: unknown; reason?: unknown } | null;
  if (given?.allowed === true) return { allowed: true };
  if (given?.allowed === false && typeof given.reason === 'string' && given.reason.length > 0)
    return { allowed: false, reason: given.reason };
  throw new Error(`guard "${guard.name}" gave a malformed verdict (want { allowed: true } or { allowed: false, reason })`);
}

import { type Crm, decideConsent } from '@rapport/core';
import type { TenantContext } from '@rapport/core/plugin';

/** The send a guard decides on, at dispatch time. */
export interface SendCheck {
  readonly messageId: string;
  readonly customerId: string;
  readonly purpose: string;
  readonly channel: string;
  readonly transactional: boolean;
  /** The time of the attempt (the Crm's clock). */
  readonly at: Date;
}

/** A guard's answer: go ahead, or a reason the message ends `blocked` with. */
export type GuardVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * A check every send passes at dispatch time, after the message was queued: consent, caps,
 * and whatever the app adds (a suppression list, an erasure). The privacy module plugs in
 * as one more guard:
 *
 * ```ts no-check
 * messaging({ guards: [{ name: 'suppression', transactional: true, check: async (send, crm) =>
 *   (await crm.privacy.isSuppressed(send)) ? { allowed: false, reason: 'suppressed' } : { allowed: true } }] })
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
      const decision = decideConsent(history, { purpose: send.purpose, channel: send.channel, at: send.at }, tenant.config.consent.rules);
      return decision.allowed ? { allowed: true } : { allowed: false, reason: `consent: ${decision.reason}` };
    },
  };
}

/** Runs the guards that apply to `send` in order; the first refusal wins. */
export async function runGuards(guards: readonly SendGuard[], send: SendCheck, crm: Crm): Promise<GuardVerdict> {
  for (const guard of guards) {
    if (send.transactional && !guard.transactional) continue;
    const verdict = await guard.check(send, crm);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

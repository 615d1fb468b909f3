import { z } from 'zod';
import { ConsentPurposeSchema } from './consent.js';
import { DateInputSchema } from './date-input.js';

/**
 * What a purpose allows when the customer has no record for it: nothing (`opt-in`: consent
 * must be given first) or everything (`opt-out`: allowed until the customer objects).
 */
export type ConsentPolicy = 'opt-in' | 'opt-out';

/** Purposes that are opt-out unless configured otherwise; every other purpose is opt-in. */
export const DEFAULT_OPT_OUT_PURPOSES: readonly string[] = ['transactional'];

/** A version of the privacy notice for one purpose, as the app registers it. */
export const ConsentNoticeSchema = z.object({
  purpose: ConsentPurposeSchema,
  version: z.string().min(1).max(64),
  /** When this version takes effect; versions of a purpose are ordered by it. */
  effectiveAt: DateInputSchema,
  /**
   * A material change (PIPL Art. 14): from `effectiveAt` on, grants given under an earlier
   * version no longer count, and the purpose reads `unknown` until the customer grants again
   * under this version or a later one.
   */
  material: z.boolean().default(false),
});
/** A notice version as the app passes it to `createCrm({ consent: { notices } })`. */
export type ConsentNoticeInput = z.input<typeof ConsentNoticeSchema>;
/** A registered notice version. */
export type ConsentNotice = z.output<typeof ConsentNoticeSchema>;

/** The rules a consent decision applies beyond the ledger: default policies and notice versions. */
export interface ConsentRules {
  /** The policy of a purpose. */
  policyOf(purpose: string): ConsentPolicy;
  /** The registered notice versions of a purpose, oldest `effectiveAt` first (empty when none). */
  noticesOf(purpose: string): readonly ConsentNotice[];
}

/** Builds {@link ConsentRules} from configured policies and notices (both already validated). */
export function consentRules(policies: Readonly<Record<string, ConsentPolicy>> = {}, notices: readonly ConsentNotice[] = []): ConsentRules {
  const byPurpose = new Map<string, ConsentNotice[]>();
  for (const notice of notices) byPurpose.set(notice.purpose, [...(byPurpose.get(notice.purpose) ?? []), notice]);
  for (const list of byPurpose.values()) list.sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime());
  return {
    policyOf: (purpose) => policies[purpose] ?? (DEFAULT_OPT_OUT_PURPOSES.includes(purpose) ? 'opt-out' : 'opt-in'),
    noticesOf: (purpose) => byPurpose.get(purpose) ?? [],
  };
}

/** The default rules: `transactional` is opt-out, every other purpose opt-in, no notices. */
export const DEFAULT_CONSENT_RULES: ConsentRules = consentRules();

import { z } from 'zod';

/** One retention rule: what happens to records older (or inactive for longer) than `days`. */
export interface RetentionRule {
  /** Age in whole days, 1-36500. */
  days: number;
  /** Delete the records, or keep them without anything personal. */
  action: 'delete' | 'anonymize';
}

/** Options of `createCrm({ privacy })`: suppression key, request-log period, retention policies. */
export interface PrivacyOptions {
  /**
   * Secret key of the suppression list's HMAC (at least 16 characters). Set your own in
   * production and keep it: with another key, earlier suppressions no longer match.
   * @defaultValue a fixed development key
   */
  suppressionKey?: string;
  /**
   * Days an access or erasure request stays in the request log (`crm.privacy.requests()`);
   * the retention job removes older entries.
   * @defaultValue 1095 (three years)
   */
  requestLogRetentionDays?: number;
  /** Retention policies, run by the `rapport.privacy.retention` job (and `crm.privacy.runRetention()`). */
  retention?: {
    /** Interactions that occurred more than `days` ago. */
    interactions?: RetentionRule;
    /** Customers not seen for more than `days` (never seen: created more than `days` ago). */
    inactiveCustomers?: RetentionRule;
    /**
     * When the retention job runs, as a five-field cron expression (UTC). `createCrm` schedules
     * it for its tenant when a policy is set; other tenants call `crm.privacy.scheduleRetention()`.
     * @defaultValue `'0 3 * * *'` (daily at 03:00)
     */
    cron?: string;
  };
}

/** The privacy configuration services read, after defaults. */
export interface ResolvedPrivacyConfig {
  readonly suppressionKey: string;
  readonly requestLogRetentionDays: number;
  readonly retention: {
    readonly interactions: RetentionRule | undefined;
    readonly inactiveCustomers: RetentionRule | undefined;
    readonly cron: string;
  };
}

/** Key used when the app configures none (development only; set your own). */
export const DEFAULT_SUPPRESSION_KEY = 'rapport-default-suppression-key';

const ruleSchema = z.strictObject({
  days: z.number().int().min(1).max(36_500),
  action: z.enum(['delete', 'anonymize']),
});

/** Shape of {@link PrivacyOptions}, checked once by `createCrm` (failures name `privacy.…`). */
export const PrivacyOptionsSchema = z.strictObject({
  suppressionKey: z.string().min(16, 'must be at least 16 characters').optional(),
  requestLogRetentionDays: z.number().int().min(1).max(36_500).optional(),
  retention: z
    .strictObject({
      interactions: ruleSchema.optional(),
      inactiveCustomers: ruleSchema.optional(),
      cron: z.string().min(9).max(100).optional(),
    })
    .optional(),
});

/** Applies the defaults to checked privacy options. */
export function resolvePrivacyOptions(options: PrivacyOptions | undefined): ResolvedPrivacyConfig {
  return {
    suppressionKey: options?.suppressionKey ?? DEFAULT_SUPPRESSION_KEY,
    requestLogRetentionDays: options?.requestLogRetentionDays ?? 1095,
    retention: {
      interactions: options?.retention?.interactions,
      inactiveCustomers: options?.retention?.inactiveCustomers,
      cron: options?.retention?.cron ?? '0 3 * * *',
    },
  };
}

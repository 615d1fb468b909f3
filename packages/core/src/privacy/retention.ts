import type { RetentionRule } from './privacy-options.js';

/** The job type that runs the retention policies of a tenant. */
export const RETENTION_JOB_TYPE = 'rapport.privacy.retention';
/** The schedule name `scheduleRetention` uses. */
export const RETENTION_SCHEDULE_NAME = 'rapport.privacy.retention';

const DAY_MS = 86_400_000;

/** What one rule removed: the cut-off and how many records it deleted or anonymised. */
export interface RetentionOutcome {
  action: RetentionRule['action'];
  /** Records older than this (occurred, or last seen) were reached. */
  before: Date;
  count: number;
}

/** What a retention run removed. */
export interface RetentionReport {
  ranAt: Date;
  /** The interactions rule's outcome; null when no such rule is set. */
  interactions: RetentionOutcome | null;
  /** The inactive-customers rule's outcome; null when no such rule is set. */
  inactiveCustomers: RetentionOutcome | null;
  /** Request-log entries older than `requestLogRetentionDays` removed. */
  requestLogEntries: number;
}

/** The time `days` days before `now`. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

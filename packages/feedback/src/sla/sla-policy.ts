import { ValidationError } from '@rapport/core';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { calendarHours, type WorkingTime } from './business-calendar.js';

/** The three SLA targets a policy can set. */
export type SlaMetric = 'firstResponse' | 'nextResponse' | 'resolution';

/** The SLA metrics, in the order reported. */
export const SLA_METRICS: readonly SlaMetric[] = ['firstResponse', 'nextResponse', 'resolution'];

/** When a warning comes before the due time: at a share of the target, or some working minutes before it. */
export type SlaWarning = { percent: number } | { minutesBefore: number };

/** An SLA policy: which tickets it covers, the targets in working minutes, the time they count in, the warning. */
export interface SlaPolicy {
  /** Name, reported with every SLA state. */
  name: string;
  /** The tickets it covers: every listed field must match; none listed matches every ticket. */
  match?: { priorities?: readonly string[]; categories?: readonly string[] };
  /** Targets in working minutes; a metric left out has no target under this policy. */
  targets: Partial<Record<SlaMetric, number>>;
  /**
   * Business calendar (from `defineBusinessCalendar`) or calendar hours.
   * @default calendarHours
   */
  time?: WorkingTime;
  /**
   * When to warn before a breach.
   * @default { percent: 75 }
   */
  warning?: SlaWarning;
}

/** The policy used when no policy matches: a first response within 24 calendar hours. */
export const DEFAULT_SLA_POLICY: SlaPolicy = Object.freeze({
  name: 'default',
  targets: { firstResponse: 24 * 60 },
  time: calendarHours,
  warning: { percent: 75 },
});

const minutes = z
  .number()
  .positive()
  .max(10 * 366 * 24 * 60);
const PolicySchema = z.object({
  name: z.string().min(1).max(200),
  match: z
    .object({ priorities: z.array(z.string().min(1)).min(1).optional(), categories: z.array(z.string().min(1)).min(1).optional() })
    .optional(),
  targets: z
    .object({ firstResponse: minutes.optional(), nextResponse: minutes.optional(), resolution: minutes.optional() })
    .strict()
    .refine((targets) => Object.values(targets).some((value) => value !== undefined), 'at least one target'),
  time: z
    .custom<WorkingTime>((value) => {
      const kind = (value as { kind?: unknown } | null)?.kind;
      return kind === 'calendar' || (kind === 'business' && (value as { holidays?: unknown }).holidays instanceof Set);
    }, 'calendarHours or a calendar from defineBusinessCalendar')
    .optional(),
  warning: z.union([z.object({ percent: z.number().gt(0).lt(100) }).strict(), z.object({ minutesBefore: minutes }).strict()]).optional(),
});

/**
 * Checks SLA policies. Throws a `ValidationError` (`FEEDBACK_INVALID_SLA_POLICY`) naming the
 * policy index and field, or a name used twice.
 */
export function defineSlaPolicies(policies: readonly SlaPolicy[]): SlaPolicy[] {
  const result = z.array(PolicySchema).safeParse(policies);
  if (!result.success) {
    throw new ValidationError(
      FeedbackErrorCode.InvalidSlaPolicy,
      result.error.issues.map((issue) => ({
        path: ['policies', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
        message: issue.message,
      })),
    );
  }
  const names = new Set<string>();
  policies.forEach((policy, index) => {
    if (names.has(policy.name))
      throw new ValidationError(FeedbackErrorCode.InvalidSlaPolicy, [
        { path: ['policies', index, 'name'], message: `duplicate name "${policy.name}"` },
      ]);
    names.add(policy.name);
  });
  return [...policies];
}

/** What a policy matches a ticket on. */
export interface SlaSubject {
  /** The ticket's priority, e.g. `urgent`. */
  priority: string;
  /** The ticket's category, if any. */
  category?: string | null;
}

/** The first policy that matches `ticket`, else {@link DEFAULT_SLA_POLICY}. */
export function matchSlaPolicy(policies: readonly SlaPolicy[], ticket: SlaSubject): SlaPolicy {
  return (
    policies.find((policy) => {
      const { priorities, categories } = policy.match ?? {};
      if (priorities && !priorities.includes(ticket.priority)) return false;
      if (categories && (ticket.category == null || !categories.includes(ticket.category))) return false;
      return true;
    }) ?? DEFAULT_SLA_POLICY
  );
}

import { z } from 'zod';
import type { SlaMetric } from './sla-policy.js';

/** What an escalation does when its SLA alert fires; a `ticket.escalated` event always tells it (notify). */
export interface EscalationRule {
  /** The alert it runs on. */
  on: 'warning' | 'breach';
  /** Only for this target; every target when left out. */
  metric?: SlaMetric;
  /** Only for tickets of these priorities / categories. */
  match?: { priorities?: readonly string[]; categories?: readonly string[] };
  /** Hands the ticket to this assignee (a person or a queue). */
  reassignTo?: string;
  /** Sets this priority (which recomputes the SLA under the policy it now matches). */
  raisePriorityTo?: string;
}

/** The zod schema of an {@link EscalationRule}. */
export const EscalationRuleSchema = z.object({
  on: z.enum(['warning', 'breach']),
  metric: z.enum(['firstResponse', 'nextResponse', 'resolution']).optional(),
  match: z
    .object({ priorities: z.array(z.string().min(1)).min(1).optional(), categories: z.array(z.string().min(1)).min(1).optional() })
    .optional(),
  reassignTo: z.string().min(1).max(128).optional(),
  raisePriorityTo: z.string().min(1).max(32).optional(),
});

/** The rules that apply to an alert of `kind` on `metric` for a ticket of `priority` and `category`, in order. */
export function matchingEscalations(
  rules: readonly EscalationRule[],
  alert: { kind: 'warning' | 'breach'; metric: SlaMetric },
  ticket: { priority: string; category: string | null },
): EscalationRule[] {
  return rules.filter((rule) => {
    if (rule.on !== alert.kind) return false;
    if (rule.metric && rule.metric !== alert.metric) return false;
    if (rule.match?.priorities && !rule.match.priorities.includes(ticket.priority)) return false;
    if (rule.match?.categories && (ticket.category === null || !rule.match.categories.includes(ticket.category))) return false;
    return true;
  });
}

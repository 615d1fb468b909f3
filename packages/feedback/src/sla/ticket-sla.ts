import { ValidationError } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';
import { type TicketStatus, transitionTicket } from '../tickets/ticket-status.js';
import { calendarHours } from './business-calendar.js';
import { dueAfter, type Pause } from './sla-clock.js';
import { matchSlaPolicy, SLA_METRICS, type SlaMetric, type SlaPolicy, type SlaSubject } from './sla-policy.js';

/** What a ticket's SLA is computed from: plain facts the storage-backed service reads from its tables. */
export interface TicketSlaFacts extends SlaSubject {
  /** When the ticket was opened (status `new`); first-response and resolution clocks start here. */
  createdAt: Date;
  /** Status changes in time order, starting from `new`. */
  statusChanges: readonly { at: Date; to: TicketStatus }[];
  /** Public messages in time order: who wrote and when. Notes are not messages. */
  messages: readonly { at: Date; from: 'agent' | 'customer' }[];
}

/**
 * Where one SLA target stands: `running`; `paused` (pending or resolved); `met` (done in
 * time); `breached` (done late, or due and not done); `stopped` (the ticket was resolved or
 * closed before the response it waited for).
 */
export type SlaTargetState = 'running' | 'paused' | 'met' | 'breached' | 'stopped';

/** One SLA target of a ticket. */
export interface SlaTargetStatus {
  /** Which target. */
  metric: SlaMetric;
  /** The target in working minutes. */
  targetMinutes: number;
  /** When its clock started. */
  startedAt: Date;
  /** When it is due; `null` while a pause stops the clock before the due time. */
  dueAt: Date | null;
  /** When to warn; `null` while a pause stops the clock before it. */
  warnAt: Date | null;
  /** When it was met (the agent's reply, the resolution), if it was. */
  metAt: Date | null;
  /** Where it stands at `now`. */
  state: SlaTargetState;
}

/** A ticket's SLA: the policy that applies and each of its targets. */
export interface TicketSla {
  /** The name of the policy applied. */
  policy: string;
  /** The targets the policy sets (a metric without a target, or without a started clock, is left out). */
  targets: SlaTargetStatus[];
}

/**
 * A ticket's SLA at `now`, from scratch: the first matching policy (by priority and
 * category), each target's due and warning times counted in the policy's working time,
 * with the clock paused while pending and stopped while resolved (a reopen resumes it).
 * Calling it again after a priority, policy or status change is the recomputation; timers
 * scheduled at `warnAt` / `dueAt` are replaced by the new ones. The status changes are
 * checked against the state machine (`FEEDBACK_TRANSITION_NOT_ALLOWED`).
 */
export function computeTicketSla(policies: readonly SlaPolicy[], facts: TicketSlaFacts, now: Date): TicketSla {
  const policy = matchSlaPolicy(policies, facts);
  const time = policy.time ?? calendarHours;
  const { pauses, resolvedAt, status } = clockFacts(facts);
  const agentReplies = facts.messages.filter((message) => message.from === 'agent').map((message) => message.at);
  const targets: SlaTargetStatus[] = [];
  for (const metric of SLA_METRICS) {
    const targetMinutes = policy.targets[metric];
    if (targetMinutes === undefined) continue;
    const span = metricSpan(metric, facts, agentReplies, resolvedAt);
    if (!span) continue;
    const dueAt = dueAfter(time, span.startedAt, targetMinutes, pauses);
    const warnAt = dueAfter(time, span.startedAt, warningMinutes(policy, targetMinutes), pauses);
    targets.push({
      metric,
      targetMinutes,
      startedAt: span.startedAt,
      dueAt,
      warnAt,
      metAt: span.metAt,
      state: stateOf(span.metAt, dueAt, now, status),
    });
  }
  return { policy: policy.name, targets };
}

function warningMinutes(policy: SlaPolicy, target: number): number {
  const warning = policy.warning ?? { percent: 75 };
  return 'percent' in warning ? (target * warning.percent) / 100 : Math.max(0, target - warning.minutesBefore);
}

function stateOf(metAt: Date | null, dueAt: Date | null, now: Date, status: TicketStatus): SlaTargetState {
  if (metAt) return dueAt && metAt.getTime() > dueAt.getTime() ? 'breached' : 'met';
  if (dueAt && dueAt.getTime() <= now.getTime()) return 'breached';
  if (status === 'closed' || status === 'resolved') return 'stopped';
  if (status === 'pending') return 'paused';
  return 'running';
}

/** When each target's clock starts and is met. */
function metricSpan(
  metric: SlaMetric,
  facts: TicketSlaFacts,
  agentReplies: readonly Date[],
  resolvedAt: Date | null,
): { startedAt: Date; metAt: Date | null } | undefined {
  if (metric === 'resolution') return { startedAt: facts.createdAt, metAt: resolvedAt };
  if (metric === 'firstResponse') return { startedAt: facts.createdAt, metAt: agentReplies[0] ?? null };
  // Next response: the latest customer message after an agent reply opens a cycle, the next agent reply meets it.
  let startedAt: Date | undefined;
  let metAt: Date | null = null;
  let agentSeen = false;
  for (const message of facts.messages) {
    if (message.from === 'agent') {
      if (startedAt && !metAt) metAt = message.at;
      agentSeen = true;
    } else if (agentSeen && (!startedAt || metAt)) {
      startedAt = message.at;
      metAt = null;
    }
  }
  return startedAt ? { startedAt, metAt } : undefined;
}

/** Pauses (pending and resolved spans), the current resolution time and the current status, from the status changes. */
function clockFacts(facts: TicketSlaFacts): { pauses: Pause[]; resolvedAt: Date | null; status: TicketStatus } {
  let status: TicketStatus = 'new';
  let previous = facts.createdAt.getTime();
  let pausedSince: Date | null = null;
  let resolvedAt: Date | null = null;
  const pauses: Pause[] = [];
  facts.statusChanges.forEach((change, index) => {
    if (change.at.getTime() < previous) {
      throw new ValidationError(FeedbackErrorCode.InvalidSlaPolicy, [
        { path: ['statusChanges', index, 'at'], message: 'is before the previous change' },
      ]);
    }
    previous = change.at.getTime();
    const { clock } = transitionTicket(status, change.to);
    if ((clock === 'pause' || clock === 'stop') && !pausedSince) pausedSince = change.at;
    if (clock === 'resume' && pausedSince) {
      pauses.push({ from: pausedSince, to: change.at });
      pausedSince = null;
    }
    if (change.to === 'resolved' || (change.to === 'closed' && status !== 'resolved')) resolvedAt = change.at;
    if (change.to === 'open' && status === 'resolved') resolvedAt = null;
    status = change.to;
  });
  if (pausedSince) pauses.push({ from: pausedSince });
  return { pauses, resolvedAt, status };
}

import type { TenantStore } from '@rapport/core/plugin';
import { FEEDBACK_JOBS, type FeedbackContext } from '../plugin/feedback-context.js';
import { slaAlertsTable, ticketEventsTable } from '../tables.js';
import type { TicketRow } from '../tickets/ticket.js';
import type { TicketStatus } from '../tickets/ticket-status.js';
import type { SlaMetric } from './sla-policy.js';
import { computeTicketSla, type TicketSla } from './ticket-sla.js';

/** What an SLA timer job carries: the ticket, the generation it was scheduled for, the target and the alert. */
export type SlaTimerPayload = {
  ticketId: string;
  generation: number;
  metric: SlaMetric;
  kind: 'warning' | 'breach';
};

/** The key of one alert: the ticket, the target, the kind, and when the target's clock started (a new next-response cycle alerts anew). */
export function slaAlertId(ticketId: string, metric: SlaMetric, kind: 'warning' | 'breach', startedAt: Date): string {
  return `${ticketId}:${metric}:${kind}:${startedAt.getTime()}`;
}

/** The ticket's SLA at `now`, from its stored history (status changes and public messages). */
export async function ticketSla(ctx: FeedbackContext, store: TenantStore, ticket: TicketRow, now: Date): Promise<TicketSla> {
  const statusChanges: { at: Date; to: TicketStatus }[] = [];
  const messages: { at: Date; from: 'agent' | 'customer' }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.table(ticketEventsTable).find({
      where: { ticketId: ticket.id, kind: { in: ['status', 'reply'] } },
      orderBy: [{ column: 'seq' }],
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const event of page.items) {
      if (event.kind === 'status') statusChanges.push({ at: event.at, to: event.data?.to as TicketStatus });
      else messages.push({ at: event.at, from: event.author === 'agent' ? 'agent' : 'customer' });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return computeTicketSla(
    ctx.policies,
    { priority: ticket.priority, category: ticket.category, createdAt: ticket.createdAt, statusChanges, messages },
    now,
  );
}

/**
 * Recomputes the ticket's SLA in `tx` and replaces its timers: the pending timer jobs of the
 * previous generation are cancelled, and one job per warning and breach still to come is
 * enqueued for the next generation (in `tx`, so timers exist exactly when the change does). A
 * timer that was already running when cancelled finds the generation moved on and does nothing.
 * Returns the columns to write with the change.
 */
export async function rescheduleSla(ctx: FeedbackContext, tx: TenantStore, ticket: TicketRow, now: Date) {
  const sla = await ticketSla(ctx, tx, ticket, now);
  for (const jobId of ticket.timerJobs) await tx.jobs.cancel(jobId, now);
  const generation = ticket.slaGeneration + 1;
  const timerJobs: string[] = [];
  const due: Partial<Record<SlaMetric, Date | null>> = {};
  for (const target of sla.targets) {
    const live = target.metAt === null && (target.state === 'running' || target.state === 'breached');
    due[target.metric] = live ? target.dueAt : null;
    if (!live) continue;
    for (const [kind, at] of [
      ['warning', target.warnAt],
      ['breach', target.dueAt],
    ] as const) {
      if (!at) continue;
      // A warning whose breach is already due is dropped: the breach says more, and sooner.
      if (kind === 'warning' && target.dueAt && target.dueAt.getTime() <= now.getTime()) continue;
      // An alert fired once is never fired again, whatever the schedule does.
      if (await tx.table(slaAlertsTable).get({ id: slaAlertId(ticket.id, target.metric, kind, target.startedAt) })) continue;
      const payload: SlaTimerPayload = { ticketId: ticket.id, generation, metric: target.metric, kind };
      const { job } = await ctx.tenant.jobs.enqueue(
        { type: FEEDBACK_JOBS.slaTimer, payload, runAt: at, idempotencyKey: `sla:${ticket.id}:${generation}:${target.metric}:${kind}` },
        { in: tx },
      );
      timerJobs.push(job.id);
    }
  }
  return {
    policy: sla.policy,
    slaGeneration: generation,
    timerJobs,
    firstResponseDueAt: due.firstResponse ?? null,
    nextResponseDueAt: due.nextResponse ?? null,
    resolutionDueAt: due.resolution ?? null,
  };
}

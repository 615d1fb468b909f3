import type { FeedbackContext } from '../plugin/feedback-context.js';
import { slaAlertsTable, ticketsTable } from '../tables.js';
import { isLostTicketRace, type TicketDesk } from '../tickets/ticket-desk.js';
import { matchingEscalations } from './escalation-rule.js';
import { type SlaTimerPayload, slaAlertId, ticketSla } from './sla-scheduler.js';

/** What a timer run did. */
export type SlaAlarmOutcome = 'fired' | 'stale' | 'not-due' | 'already-fired';

/**
 * Runs one SLA timer. It checks before it acts: a timer of an older generation (the ticket
 * changed since), of a target met, paused or stopped, or not yet due does nothing. A due one
 * stores its alert — keyed by ticket, target, kind and the clock's start, so a timer run twice
 * (at least once, a worker killed after the commit) fires once — runs the escalation rules in
 * the same transaction, and tells `ticket.sla.warning` / `ticket.sla.breached` after the commit.
 */
export class SlaAlarm {
  constructor(
    private readonly ctx: FeedbackContext,
    private readonly desk: TicketDesk,
  ) {}

  async run(payload: SlaTimerPayload): Promise<SlaAlarmOutcome> {
    // A lost race (a concurrent change of the ticket, or of the same alert) runs the check again on the new state.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(payload);
      } catch (error) {
        if (!isLostTicketRace(error) || attempt >= 10) throw error;
      }
    }
  }

  private async attempt(payload: SlaTimerPayload): Promise<SlaAlarmOutcome> {
    return this.ctx.transact(async (tx, emit) => {
      const now = this.ctx.now;
      const ticket = await tx.table(ticketsTable).get({ id: payload.ticketId });
      if (!ticket || ticket.slaGeneration !== payload.generation) return 'stale';
      const sla = await ticketSla(this.ctx, tx, ticket, now);
      const target = sla.targets.find((candidate) => candidate.metric === payload.metric);
      const at = payload.kind === 'warning' ? target?.warnAt : target?.dueAt;
      if (!target || target.metAt || !at || at.getTime() > now.getTime()) return 'not-due';
      if (target.state !== 'running' && target.state !== 'breached') return 'not-due';
      const id = slaAlertId(ticket.id, target.metric, payload.kind, target.startedAt);
      if (await tx.table(slaAlertsTable).get({ id })) return 'already-fired';
      await tx
        .table(slaAlertsTable)
        .insert({ id, ticketId: ticket.id, metric: target.metric, kind: payload.kind, dueAt: at, firedAt: now });
      const alert = {
        tenantId: this.ctx.tenant.tenantId,
        ticketId: ticket.id,
        customerId: ticket.customerId,
        metric: target.metric,
        policy: sla.policy,
        dueAt: at,
        firedAt: now,
      };
      const kind = payload.kind === 'warning' ? 'sla.warning' : 'sla.breached';
      await this.desk.changeIn(tx, emit, ticket.id, () => ({
        patch: {},
        kind,
        author: 'system',
        data: { metric: target.metric, dueAt: at.toISOString(), policy: sla.policy },
        timeline: payload.kind === 'breach' ? 'ticket.sla_breached' : undefined,
      }));
      emit({ name: payload.kind === 'warning' ? 'ticket.sla.warning' : 'ticket.sla.breached', payload: alert });
      for (const rule of matchingEscalations(this.ctx.options.sla.escalations, { kind: payload.kind, metric: target.metric }, ticket)) {
        const actions: { reassignedTo?: string; priority?: string } = {};
        if (rule.reassignTo) actions.reassignedTo = rule.reassignTo;
        if (rule.raisePriorityTo) actions.priority = rule.raisePriorityTo;
        if (actions.reassignedTo !== undefined || actions.priority !== undefined) {
          await this.desk.changeIn(tx, emit, ticket.id, (row) => ({
            patch: {
              ...(actions.reassignedTo !== undefined ? { assignee: actions.reassignedTo } : {}),
              ...(actions.priority !== undefined ? { priority: actions.priority } : {}),
            },
            kind: 'escalated',
            author: 'system',
            data: { on: payload.kind, metric: target.metric, from: { assignee: row.assignee, priority: row.priority }, ...actions },
          }));
        }
        emit({ name: 'ticket.escalated', payload: { ...alert, on: payload.kind, actions } });
      }
      return 'fired';
    });
  }
}

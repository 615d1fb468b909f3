import { randomUUID } from 'node:crypto';
import { isRapportError } from '@rapport/core';
import { type ConformanceContext, defineStorageSuite, FakeClock, TEST_EPOCH } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { type SlaPolicy, slaAlertsTable, ticketEventsTable, ticketsTable } from '../../src/index.js';
import { failure, feedbackCrm, person } from './setup.js';

const policies: SlaPolicy[] = [
  { name: 'urgent', match: { priorities: ['urgent'] }, targets: { firstResponse: 60 }, warning: { percent: 50 } },
  { name: 'standard', targets: { firstResponse: 240, resolution: 24 * 60 } },
];
const at = (hours: number) => new Date(new Date(TEST_EPOCH).getTime() + hours * 3_600_000);

/** Tickets and SLA timers on one storage. */
export const feedbackTicketsSuite = defineStorageSuite({
  name: 'feedback-tickets',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: feedback tickets and SLA timers`, () => {
      it('opens, replies, notes, assigns and moves a ticket through its statuses, all on the timeline; closed → pending is refused', async () => {
        const crm = await feedbackCrm(ctx.storage(), { sla: { policies } });
        const ada = await person(crm);
        const ticket = await crm.feedback.tickets.open({ customerId: ada.id, subject: 'Broken kettle', source: 'store', body: 'It leaks' });
        expect(ticket).toMatchObject({ status: 'new', policy: 'standard', firstResponseDueAt: at(4), resolutionDueAt: at(24) });
        await crm.feedback.tickets.reply(ticket.id, { from: 'agent', body: 'Sorry! Bring it back.' });
        await crm.feedback.tickets.note(ticket.id, { body: 'Batch 42 again' });
        await crm.feedback.tickets.assign(ticket.id, 'sam');
        await crm.feedback.tickets.setCategory(ticket.id, 'product');
        await crm.feedback.tickets.setStatus(ticket.id, 'pending');
        await crm.feedback.tickets.setStatus(ticket.id, 'resolved');
        await crm.feedback.tickets.reopen(ticket.id);
        const closed = await crm.feedback.tickets.setStatus(ticket.id, 'closed');
        expect(closed).toMatchObject({ status: 'closed', assignee: 'sam', category: 'product', firstContactAt: at(0) });
        const refused = await failure(crm.feedback.tickets.setStatus(ticket.id, 'pending'));
        expect(isRapportError(refused, 'FEEDBACK_TRANSITION_NOT_ALLOWED')).toBe(true);
        expect((await crm.feedback.tickets.get(ticket.id)).status).toBe('closed');
        const kinds = (await crm.feedback.tickets.history(ticket.id)).map((event) => event.kind);
        expect(kinds).toEqual(['opened', 'reply', 'status', 'note', 'assigned', 'category', 'status', 'status', 'status', 'status']);
        await crm.workers().drain();
        const timeline = (await crm.interactions.timeline(ada.id, { limit: 50 })).items.map((item) => item.type).sort();
        expect(timeline).toEqual(
          [
            'ticket.closed',
            'ticket.noted',
            'ticket.opened',
            'ticket.pending',
            'ticket.reopened',
            'ticket.replied',
            'ticket.resolved',
          ].sort(),
        );
        await crm.close();
      });

      it('adds an inbound message to its conversation’s ticket, reopening a pending one, or opens a new ticket', async () => {
        const crm = await feedbackCrm(ctx.storage());
        const ada = await person(crm);
        const first = await crm.feedback.tickets.openFromInbound({
          customerId: ada.id,
          channel: 'email',
          conversationId: 'thread-1',
          text: 'Where is my order?',
        });
        expect(first).toMatchObject({ created: true, ticket: { source: 'email', conversationId: 'thread-1' } });
        await crm.feedback.tickets.setStatus(first.ticket.id, 'pending');
        const again = await crm.feedback.tickets.openFromInbound({
          customerId: ada.id,
          channel: 'email',
          conversationId: 'thread-1',
          text: 'Hello?',
        });
        expect(again).toMatchObject({ created: false, ticket: { id: first.ticket.id, status: 'open' } });
        const other = await crm.feedback.tickets.openFromInbound({
          customerId: ada.id,
          channel: 'sms',
          conversationId: 'thread-2',
          text: 'Hi',
        });
        expect(other.created).toBe(true);
        const bad = await failure(
          crm.feedback.tickets.openFromInbound({ customerId: ada.id, channel: 'Email!', conversationId: '', text: '' }),
        );
        expect(isRapportError(bad, 'FEEDBACK_INVALID_INPUT')).toBe(true);
        expect((bad as { issues: { path: string[] }[] }).issues.map((issue) => issue.path[0]).sort()).toEqual([
          'channel',
          'conversationId',
          'text',
        ]);
        expect(await crm.storage.forTenant(crm.tenantId).table(ticketsTable).count({})).toBe(2);
        await crm.close();
      });

      it('keeps every one of four concurrent changes of a ticket, and only the last generation’s timers (10 rounds)', async () => {
        const crm = await feedbackCrm(ctx.storage(), { sla: { policies } });
        const ada = await person(crm);
        for (let round = 0; round < 10; round++) {
          const ticket = await crm.feedback.tickets.open({ customerId: ada.id, subject: `Round ${round}` });
          await Promise.all([
            crm.feedback.tickets.reply(ticket.id, { from: 'customer', body: 'Any news?' }),
            crm.feedback.tickets.note(ticket.id, { body: 'Checking the warehouse' }),
            crm.feedback.tickets.setPriority(ticket.id, 'urgent'),
            crm.feedback.tickets.assign(ticket.id, 'sam'),
          ]);
          const history = (await crm.feedback.tickets.history(ticket.id)).map((event) => event.kind).sort();
          expect(history).toEqual(['assigned', 'note', 'opened', 'priority', 'reply']);
          const stored = await crm.storage.forTenant(crm.tenantId).table(ticketsTable).get({ id: ticket.id });
          expect(stored).toMatchObject({ priority: 'urgent', assignee: 'sam', policy: 'urgent', slaGeneration: 5 });
          // Nothing stranded: the pending timers are exactly the current generation's.
          const pending = (await crm.jobs.list({ type: 'feedback.sla-timer', status: 'pending', limit: 1000 })).items.filter(
            (job) => (job.payload as { ticketId: string }).ticketId === ticket.id,
          );
          expect(pending.map((job) => job.id).sort()).toEqual([...(stored?.timerJobs ?? [])].sort());
          expect(pending.every((job) => (job.payload as { generation: number }).generation === 5)).toBe(true);
        }
        await crm.close();
      });

      it('fires a warning and a breach once each from durable timers, recomputed on a priority change; a stale timer does nothing', async () => {
        const crm = await feedbackCrm(ctx.storage(), { sla: { policies } });
        const ada = await person(crm);
        const ticket = await crm.feedback.tickets.open({ customerId: ada.id, subject: 'Late delivery' });
        crm.clock.set(at(2));
        await crm.workers().drain();
        expect(crm.recordedOf('ticket.sla.warning')).toEqual([]);
        crm.clock.set(at(3)); // 75 % of the 4-hour first response
        await crm.workers().drain();
        await crm.workers().drain();
        expect(crm.recordedOf('ticket.sla.warning').map((alert) => [alert.metric, alert.dueAt])).toEqual([['firstResponse', at(3)]]);
        // Urgent: a 1-hour target, already past: the breach fires now, the warning (same clock) not again.
        await crm.feedback.tickets.setPriority(ticket.id, 'urgent');
        await crm.workers().drain();
        expect(crm.recordedOf('ticket.sla.breached').map((alert) => [alert.metric, alert.policy, alert.dueAt])).toEqual([
          ['firstResponse', 'urgent', at(1)],
        ]);
        // The standard policy's timers (4 h breach, 18 h resolution warning) were replaced: nothing more fires.
        crm.clock.set(at(30));
        await crm.workers().drain();
        expect(crm.recordedOf('ticket.sla.warning')).toHaveLength(1);
        expect(crm.recordedOf('ticket.sla.breached')).toHaveLength(1);
        // Running a stale timer by hand: it checks the generation and does nothing.
        expect(await crm.feedback.runSlaTimer({ ticketId: ticket.id, generation: 1, metric: 'firstResponse', kind: 'breach' })).toBe(
          'stale',
        );
        expect(await crm.storage.forTenant(crm.tenantId).table(slaAlertsTable).count({ ticketId: ticket.id })).toBe(2);
        await crm.close();
      });

      it('pauses the clocks while pending on the customer and moves the due time by the pause', async () => {
        const crm = await feedbackCrm(ctx.storage(), { sla: { policies } });
        const ada = await person(crm);
        const ticket = await crm.feedback.tickets.open({ customerId: ada.id, subject: 'Refund' });
        crm.clock.set(at(1));
        const pending = await crm.feedback.tickets.setStatus(ticket.id, 'pending');
        expect(pending.firstResponseDueAt).toBeNull();
        crm.clock.set(at(10));
        await crm.workers().drain();
        expect(crm.recordedOf('ticket.sla.warning')).toEqual([]); // paused: nothing fired at 3 h or 4 h
        const open = await crm.feedback.tickets.setStatus(ticket.id, 'open');
        expect(open.firstResponseDueAt).toEqual(at(13)); // 1 h used, 9 h paused, 3 h left
        crm.clock.set(at(12)); // 75 % of 4 h is 3 h of open time: 1 h before the pause, 2 h after it
        await crm.workers().drain();
        expect(crm.recordedOf('ticket.sla.warning').map((alert) => alert.dueAt)).toEqual([at(12)]);
        expect(crm.recordedOf('ticket.sla.breached')).toEqual([]);
        crm.clock.set(at(13));
        await crm.workers().drain();
        await crm.workers().drain();
        expect(crm.recordedOf('ticket.sla.breached').map((alert) => alert.dueAt)).toEqual([at(13)]);
        await crm.close();
      });

      it('escalates on a breach: reassigns, raises the priority, and notifies once', async () => {
        const crm = await feedbackCrm(ctx.storage(), {
          sla: { policies, escalations: [{ on: 'breach', metric: 'firstResponse', reassignTo: 'team-lead', raisePriorityTo: 'urgent' }] },
        });
        const ada = await person(crm);
        const ticket = await crm.feedback.tickets.open({ customerId: ada.id, subject: 'No answer', assignee: 'sam' });
        crm.clock.set(at(4));
        await crm.workers().drain();
        await crm.workers().drain();
        const escalated = await crm.feedback.tickets.get(ticket.id);
        expect(escalated).toMatchObject({ assignee: 'team-lead', priority: 'urgent', policy: 'urgent' });
        expect(crm.recordedOf('ticket.escalated').map((event) => event.actions)).toEqual([
          { reassignedTo: 'team-lead', priority: 'urgent' },
        ]);
        const history = await crm.storage
          .forTenant(crm.tenantId)
          .table(ticketEventsTable)
          .count({ ticketId: ticket.id, kind: 'escalated' });
        expect(history).toBe(1);
        await crm.close();
      });

      it('fires each alert exactly once across a restart: workers stopped mid-way, a new Crm on the same storage takes over', async () => {
        const tenant = `restart-${randomUUID()}`;
        const clock = new FakeClock(TEST_EPOCH);
        const first = await feedbackCrm(ctx.storage(), { sla: { policies } }, { tenant, clock });
        const ada = await person(first);
        const tickets = [];
        for (let n = 0; n < 5; n++) tickets.push(await first.feedback.tickets.open({ customerId: ada.id, subject: `Ticket ${n}` }));
        clock.set(at(3));
        // Real workers, stopped as soon as some warnings fired: some timers done, others due but not run.
        const workers = first.startWorkers({ concurrency: 1, batchSize: 1, pollIntervalMs: 5 });
        await expect.poll(() => first.recordedOf('ticket.sla.warning').length, { timeout: 10_000 }).toBeGreaterThan(0);
        await workers.stop();
        const firedBefore = first.recordedOf('ticket.sla.warning').length;
        await first.close();
        const second = await feedbackCrm(ctx.storage(), { sla: { policies } }, { tenant, clock });
        await second.workers().drain();
        clock.set(at(4));
        await second.workers().drain();
        await second.workers().drain();
        expect(firedBefore + second.recordedOf('ticket.sla.warning').length).toBe(5);
        expect(second.recordedOf('ticket.sla.breached')).toHaveLength(5);
        const alerts = second.storage.forTenant(tenant).table(slaAlertsTable);
        for (const ticket of tickets) expect(await alerts.count({ ticketId: ticket.id })).toBe(2);
        // Every timer job replayed (at least once): still one alert each.
        for (const job of (await second.jobs.list({ type: 'feedback.sla-timer', status: 'succeeded', limit: 100 })).items) {
          expect(await second.feedback.runSlaTimer(job.payload as never)).not.toBe('fired');
        }
        await second.close();
      });
    }),
});

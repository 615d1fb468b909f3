import type { RapportEventName, RapportEvents } from '@rapport/core';
import type { TenantContext, TenantStore } from '@rapport/core/plugin';
import type { ResolvedFeedbackOptions } from '../options.js';
import type { SlaPolicy } from '../sla/sla-policy.js';

/** The job types of `@rapport/feedback`. */
export const FEEDBACK_JOBS = {
  /** Records an interaction on the customer's timeline (the outbox of a feedback write). */
  timeline: 'feedback.timeline',
  /** Fires an SLA warning or breach, if it is still due. */
  slaTimer: 'feedback.sla-timer',
  /** Sends a survey from a trigger, after its delay. */
  sendSurvey: 'feedback.send-survey',
} as const;

/** The interaction a feedback write puts on the customer's timeline. */
export interface TimelineEntry {
  customerId: string;
  type: string;
  channel: string;
  occurredAt: string;
  properties: Record<string, unknown>;
  idempotencyKey: string;
}

/** One event to emit once the transaction that caused it commits. */
export type PendingEvent = { [K in RapportEventName]: { name: K; payload: RapportEvents[K] } }[RapportEventName];

/** What every feedback service of one tenant shares: the tenant, the options, and the outbox helpers. */
export class FeedbackContext {
  constructor(
    readonly tenant: TenantContext,
    readonly options: ResolvedFeedbackOptions,
  ) {}

  /** The SLA policies, checked when the plugin registered. */
  get policies(): readonly SlaPolicy[] {
    return this.options.sla.policies;
  }

  get now(): Date {
    return this.tenant.clock.now();
  }

  /** Queues a timeline interaction in `tx`: it is recorded exactly when the write commits (at least once, keyed). The payload is plain JSON, as the job table stores it. */
  async timeline(tx: TenantStore, entry: TimelineEntry): Promise<void> {
    await this.tenant.jobs.enqueue(
      { type: FEEDBACK_JOBS.timeline, payload: JSON.parse(JSON.stringify(entry)), idempotencyKey: `timeline:${entry.idempotencyKey}` },
      { in: tx },
    );
  }

  /** Runs `work` in a transaction, then emits the events it collected (after the commit, never on a rollback). */
  async transact<T>(work: (tx: TenantStore, emit: (event: PendingEvent) => void) => Promise<T>): Promise<T> {
    const events: PendingEvent[] = [];
    const result = await this.tenant.store.transaction((tx) => {
      events.length = 0; // a retried transaction starts again
      return work(tx, (event) => events.push(event));
    });
    for (const event of events) this.tenant.events.emit(event.name, event.payload as never);
    return result;
  }
}

import { inject } from 'tsyringe';
import { z } from 'zod';
import type { Clock } from '../contracts/clock.js';
import type { TenantStore } from '../contracts/storage.js';
import { service } from '../di/service.js';
import { CLOCK, TENANT_STORE } from '../di/tokens.js';
import { type ConsentDecision, consentStates } from '../model/consent.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import { parseInput } from '../util/parse.js';
import { CustomerService } from './customer-service.js';

/** The 360° view of a customer. */
export interface CustomerProfile<TTraits = Record<string, unknown>, TProps = Record<string, unknown>> {
  customer: Customer<TTraits>;
  /** The most recent interactions, newest first. */
  timeline: Interaction<TProps>[];
  /** The current consent decision per (purpose, channel) on record. */
  consents: ConsentDecision[];
  /** Segments the customer matches now; `enteredAt` is from the last refresh, if any. */
  segments: { key: string; name: string; enteredAt: Date | null }[];
}

const ProfileOptionsSchema = z.object({ timelineLimit: z.number().int().min(0).max(1000).default(20) });

/** Builds the 360° view: the customer, recent timeline, consent state and segments. */
@service()
export class ProfileService<TTraits = Record<string, unknown>, TProps = Record<string, unknown>> {
  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(CustomerService) private readonly customers: CustomerService,
  ) {}

  /** The 360° view of a customer (a merged-away id gives the survivor's view). */
  async profile(customerId: string, options: { timelineLimit?: number } = {}): Promise<CustomerProfile<TTraits, TProps>> {
    const { timelineLimit } = parseInput(ProfileOptionsSchema, options, 'options');
    const customer = await this.customers.requireLive(this.store, customerId);
    const now = this.clock.now();
    const [timeline, history, segments, memberships] = await Promise.all([
      timelineLimit > 0 ? this.store.interactions.timeline(customer.id, { limit: timelineLimit }) : { items: [], nextCursor: null },
      this.store.consents.history(customer.id),
      this.store.segments.list(),
      this.store.segments.membershipsOf(customer.id),
    ]);
    const enteredAt = new Map(memberships.map((membership) => [membership.segmentKey, membership.enteredAt]));
    const matches = await Promise.all(segments.map((segment) => this.store.segments.matches(customer.id, segment.condition, now)));
    return {
      customer: customer as Customer<TTraits>,
      timeline: timeline.items as Interaction<TProps>[],
      consents: consentStates(history),
      segments: segments
        .filter((_, index) => matches[index])
        .map((segment) => ({ key: segment.key, name: segment.name, enteredAt: enteredAt.get(segment.key) ?? null })),
    };
  }
}

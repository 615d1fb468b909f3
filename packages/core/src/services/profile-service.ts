import { inject } from 'tsyringe';
import { z } from 'zod';
import type { Clock } from '../contracts/clock.js';
import type { TenantStore } from '../contracts/storage.js';
import { service } from '../di/service.js';
import { CLOCK, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError } from '../errors/error-classes.js';
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
    const now = this.clock.now();
    // Read everything at once for the id as given (almost always a live customer), and read
    // again for the survivor only when the id turns out to be merged away.
    const read = (id: string) =>
      Promise.all([
        this.store.customers.get(id),
        timelineLimit > 0 ? this.store.interactions.timeline(id, { limit: timelineLimit }) : { items: [], nextCursor: null },
        this.store.consents.history(id),
        this.store.segments.list(),
        this.store.segments.membershipsOf(id),
      ]);
    let [customer, timeline, history, segments, memberships] = await read(customerId);
    if (!customer) {
      const survivor = await this.customers.requireLive(this.store, customerId);
      [customer, timeline, history, segments, memberships] = await read(survivor.id);
      if (!customer) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', customerId);
    }
    const live = customer;
    const enteredAt = new Map(memberships.map((membership) => [membership.segmentKey, membership.enteredAt]));
    const matches = await Promise.all(segments.map((segment) => this.store.segments.matches(live.id, segment.condition, now)));
    return {
      customer: live as Customer<TTraits>,
      timeline: timeline.items as Interaction<TProps>[],
      consents: consentStates(history),
      segments: segments
        .filter((_, index) => matches[index])
        .map((segment) => ({ key: segment.key, name: segment.name, enteredAt: enteredAt.get(segment.key) ?? null })),
    };
  }
}

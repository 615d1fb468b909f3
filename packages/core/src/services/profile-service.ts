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
import { SegmentCatalog } from './segment-catalog.js';

/** The 360° view of a customer. */
export interface CustomerProfile<TTraits = Record<string, unknown>, TProps = Record<string, unknown>> {
  customer: Customer<TTraits>;
  /** The most recent interactions, newest first. */
  timeline: Interaction<TProps>[];
  /** The current consent decision per (purpose, channel) on record. */
  consents: ConsentDecision[];
  /**
   * Segments the customer matches now; `enteredAt` is from the last refresh, if any. Segments
   * defined by another process appear within a few seconds.
   */
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
    @inject(SegmentCatalog) private readonly catalog: SegmentCatalog,
  ) {}

  /** The 360° view of a customer (a merged-away id gives the survivor's view). */
  async profile(customerId: string, options: { timelineLimit?: number } = {}): Promise<CustomerProfile<TTraits, TProps>> {
    const { timelineLimit } = parseInput(ProfileOptionsSchema, options, 'options');
    const now = this.clock.now();
    const segments = await this.catalog.list();
    // One round of reads, all at once, for the id as given (almost always a live customer);
    // read again for the survivor only when the id turns out to be merged away.
    const read = (id: string) =>
      Promise.all([
        this.store.customers.get(id),
        timelineLimit > 0 ? this.store.interactions.timeline(id, { limit: timelineLimit }) : { items: [], nextCursor: null },
        this.store.consents.history(id),
        this.store.segments.membershipsOf(id),
        Promise.all(segments.map((segment) => this.store.segments.matches(id, segment.condition, now))),
      ]);
    let [customer, timeline, history, memberships, matches] = await read(customerId);
    if (!customer) {
      const survivor = await this.customers.requireLive(this.store, customerId);
      [customer, timeline, history, memberships, matches] = await read(survivor.id);
      if (!customer) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', customerId);
    }
    const live = customer;
    const enteredAt = new Map(memberships.map((membership) => [membership.segmentKey, membership.enteredAt]));
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

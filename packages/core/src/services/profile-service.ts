import { inject } from 'tsyringe';
import { z } from 'zod';
import type { Clock } from '../contracts/clock.js';
import type { TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { service } from '../di/service.js';
import { CLOCK, CRM_CONFIG, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError } from '../errors/error-classes.js';
import { type ConsentDecision, consentStates } from '../model/consent-decision.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import { parseInput } from '../util/parse.js';
import { assertId } from '../util/storable.js';
import { CustomerService } from './customer-service.js';
import { readProfileSnapshot } from './profile-snapshot.js';
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
  /** Plugin sections asked for with `include` (see `ProfileSectionContribution`), by name. */
  sections?: Record<string, unknown>;
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
    @inject(CRM_CONFIG) private readonly config: ResolvedCrmConfig,
  ) {}

  /** The 360° view of a customer (a merged-away id gives the survivor's view). */
  async profile(customerId: string, options: { timelineLimit?: number } = {}): Promise<CustomerProfile<TTraits, TProps>> {
    assertId(customerId, 'customerId');
    const { timelineLimit } = parseInput(ProfileOptionsSchema, options, 'options');
    const segments = await this.catalog.list();
    const request = { timelineLimit, segments, now: this.clock.now() };
    // Read for the id as given (almost always a live customer); read again for the survivor
    // only when the id turns out to be merged away.
    let snapshot = await readProfileSnapshot(this.store, customerId, request);
    if (!snapshot) {
      const survivor = await this.customers.requireLive(this.store, customerId);
      snapshot = await readProfileSnapshot(this.store, survivor.id, request);
      if (!snapshot) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', customerId);
    }
    const enteredAt = new Map(snapshot.memberships.map((membership) => [membership.segmentKey, membership.enteredAt]));
    const matches = snapshot.matches;
    return {
      customer: snapshot.customer as Customer<TTraits>,
      timeline: snapshot.timeline as Interaction<TProps>[],
      consents: consentStates(snapshot.consentHistory, request.now, this.config.consent.rules),
      segments: segments
        .filter((_, index) => matches[index])
        .map((segment) => ({ key: segment.key, name: segment.name, enteredAt: enteredAt.get(segment.key) ?? null })),
    };
  }
}

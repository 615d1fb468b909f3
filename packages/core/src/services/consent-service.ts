import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { service } from '../di/service.js';
import { CLOCK, CRM_CONFIG, EVENT_BUS, ID_GENERATOR, STORAGE, TENANT_STORE } from '../di/tokens.js';
import type { EventBus } from '../events/event-bus.js';
import {
  type ConsentChangeInput,
  ConsentChangeInputSchema,
  type ConsentCheckInput,
  ConsentCheckInputSchema,
  type ConsentDecision,
  ConsentHistoryFilterSchema,
  type ConsentRecord,
  consentStates,
  decideConsent,
} from '../model/consent.js';
import { parseInput } from '../util/parse.js';
import { assertId, assertStorable } from '../util/storable.js';
import { CustomerService } from './customer-service.js';
import { SegmentService } from './segment-service.js';

/** The consent ledger of one tenant: grants, withdrawals, and what they add up to. */
@service()
export class ConsentService {
  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(STORAGE) private readonly storage: Storage,
    @inject(CRM_CONFIG) private readonly config: ResolvedCrmConfig,
    @inject(EVENT_BUS) private readonly events: EventBus,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(CustomerService) private readonly customers: CustomerService,
    @inject(SegmentService) private readonly segments: SegmentService,
  ) {}

  /** Records that the customer granted consent for a purpose (on a channel, or `*` for all). */
  grant(input: ConsentChangeInput): Promise<ConsentRecord> {
    return this.append(input, 'granted');
  }

  /** Records that the customer withdrew consent. Earlier grants stay in the ledger as history. */
  withdraw(input: ConsentChangeInput): Promise<ConsentRecord> {
    return this.append(input, 'withdrawn');
  }

  /**
   * Whether the customer consents to a purpose on a channel now: `granted`, `denied`
   * (withdrawn) or `unknown` (never asked), with the record that decided it.
   */
  async check(input: ConsentCheckInput): Promise<ConsentDecision> {
    assertStorable(this.storage, input);
    const parsed = parseInput(ConsentCheckInputSchema, input);
    const customer = await this.customers.requireLive(this.store, parsed.customerId);
    const history = await this.store.consents.history(customer.id, { purpose: parsed.purpose });
    return decideConsent(history, parsed.purpose, parsed.channel);
  }

  /** The customer's ledger, oldest first, optionally for one purpose. */
  async history(customerId: string, filter: { purpose?: string } = {}): Promise<ConsentRecord[]> {
    assertId(customerId, 'customerId');
    assertStorable(this.storage, filter, ['filter']);
    const parsed = parseInput(ConsentHistoryFilterSchema, filter, 'filter');
    const customer = await this.customers.requireLive(this.store, customerId);
    return this.store.consents.history(customer.id, parsed.purpose === undefined ? {} : { purpose: parsed.purpose });
  }

  /** The current decision for each (purpose, channel) the customer has a record for. */
  async states(customerId: string): Promise<ConsentDecision[]> {
    return consentStates(await this.history(customerId));
  }

  private async append(input: ConsentChangeInput, status: ConsentRecord['status']): Promise<ConsentRecord> {
    assertStorable(this.storage, input);
    const parsed = parseInput(ConsentChangeInputSchema, input);
    const record = await this.customers.writeLocked(parsed.customerId, async (tx, customer) => {
      const now = this.clock.now();
      const entry: ConsentRecord = {
        id: this.ids.next(),
        tenantId: this.store.tenantId,
        customerId: customer.id,
        purpose: parsed.purpose,
        channel: parsed.channel,
        status,
        source: parsed.source,
        noticeVersion: parsed.noticeVersion,
        proof: parsed.proof,
        occurredAt: parsed.occurredAt ?? now,
        recordedAt: now,
      };
      await tx.consents.append(entry);
      return entry;
    });
    this.events.emit('consent.changed', { tenantId: this.store.tenantId, record });
    if (this.config.refreshOnChange) await this.segments.refreshCustomer(record.customerId);
    return record;
  }
}

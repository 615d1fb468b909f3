import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { service } from '../di/service.js';
import { CLOCK, CRM_CONFIG, EVENT_BUS, ID_GENERATOR, STORAGE, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError, ValidationError } from '../errors/error-classes.js';
import { isRapportError, RapportError } from '../errors/rapport-error.js';
import type { EventBus } from '../events/event-bus.js';
import type { Customer } from '../model/customer.js';
import { type Identity, identityKey } from '../model/identity.js';
import {
  type Interaction,
  type RecordInteractionInput,
  RecordInteractionInputSchema,
  type RecordManyResult,
  type RecordOutcome,
  type TimelineQuery,
  TimelineQuerySchema,
} from '../model/interaction.js';
import type { Page } from '../model/page.js';
import { parseInput } from '../util/parse.js';
import { retryOnConflict } from '../util/retry.js';
import { assertId, assertStorable } from '../util/storable.js';
import { CustomerService } from './customer-service.js';
import { normalizeIdentityInput } from './identities.js';
import { metricsDeltas } from './metrics-delta.js';
import { SegmentService } from './segment-service.js';

/**
 * Largest absolute amount of one purchase: 10^12 (a trillion in any currency). Bounded so
 * that totals stay finite in every storage's sum; they are exact to the cent while below
 * 10^13 (PostgreSQL rounds sums to 15 significant digits).
 */
export const MAX_AMOUNT = 1e12;

/** Largest batch `recordMany` accepts; split bigger imports. */
export const MAX_BATCH_SIZE = 10_000;

/** A validated item waiting for its customer. */
interface PendingItem {
  index: number;
  input: ReturnType<typeof RecordInteractionInputSchema.parse>;
  identity: Identity | null;
}

/** The interaction log of one tenant: record touchpoints and read timelines. */
@service()
export class InteractionService<TProps = Record<string, unknown>> {
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

  /**
   * Records one interaction. Returns `duplicate` when its idempotency key is already stored;
   * throws a `ValidationError` or `CUSTOMER_NOT_FOUND` for bad input.
   */
  async record(
    input: RecordInteractionInput<TProps>,
  ): Promise<{ status: 'stored'; interaction: Interaction<TProps> } | { status: 'duplicate'; idempotencyKey: string }> {
    const [outcome] = (await this.recordMany([input])).outcomes;
    if (!outcome) throw new RapportError({ code: 'INTERNAL', kind: 'internal', message: 'no outcome for a recorded item' });
    if (outcome.status === 'rejected') throw outcome.error;
    const { index: _index, ...rest } = outcome;
    return rest;
  }

  /**
   * Records a batch. Each item gets an outcome: `stored`, `duplicate` (its idempotency key
   * is already stored, or repeats in the batch) or `rejected` with a typed error naming the
   * field. Good items are kept when others are rejected; the stored ones and their metrics
   * are written in one transaction.
   */
  async recordMany(inputs: readonly RecordInteractionInput<TProps>[]): Promise<RecordManyResult<TProps>> {
    if (!Array.isArray(inputs)) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['inputs'], message: 'must be an array' }]);
    }
    if (inputs.length > MAX_BATCH_SIZE) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [
        { path: ['inputs'], message: `holds ${inputs.length} items; at most ${MAX_BATCH_SIZE} per call` },
      ]);
    }
    const outcomes: (RecordOutcome<TProps> | undefined)[] = new Array(inputs.length);
    const pending: PendingItem[] = [];
    inputs.forEach((input, index) => {
      try {
        pending.push(this.validate(input, index));
      } catch (error) {
        outcomes[index] = { index, status: 'rejected', error: asRapportError(error) };
      }
    });
    const now = this.clock.now();
    // Resolving customers, creating the unknown ones, the interactions and their metrics are
    // one transaction: a failure leaves none of them. A concurrent writer creating the same
    // person first makes the whole attempt retry, reading that person's id the second time.
    const written = await retryOnConflict(() => this.store.transaction((tx) => this.writeBatch(tx, pending, now)));
    for (const [index, outcome] of written.outcomes) outcomes[index] = outcome;
    for (const customer of written.created) await this.customers.announceCreated(customer);
    for (const interaction of written.stored) this.events.emit('interaction.recorded', { tenantId: this.store.tenantId, interaction });
    if (this.config.refreshOnChange) {
      for (const customerId of new Set(written.stored.map((interaction) => interaction.customerId)))
        await this.segments.refreshCustomer(customerId);
    }
    return summarize(outcomes as RecordOutcome<TProps>[]);
  }

  /** A customer's interactions, newest first, filtered, a page at a time. */
  async timeline(customerId: string, query: TimelineQuery = {}): Promise<Page<Interaction<TProps>>> {
    assertId(customerId, 'customerId');
    assertStorable(this.storage, query, ['query']);
    const filter = parseInput(TimelineQuerySchema, query, 'query');
    const customer = await this.customers.requireLive(this.store, customerId);
    return (await this.store.interactions.timeline(customer.id, filter)) as Page<Interaction<TProps>>;
  }

  private validate(input: unknown, index: number): PendingItem {
    // Checked before parsing: the schema would drop `__proto__` keys, and deep values would exhaust its stack.
    assertStorable(this.storage, input);
    const parsed = parseInput(RecordInteractionInputSchema, input);
    parsed.properties = parseInput(this.config.interactionPropertiesSchema, parsed.properties, 'properties');
    if (this.config.purchaseTypes.has(parsed.type)) {
      const amount = parsed.properties[this.config.amountProperty];
      if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount) || Math.abs(amount) > MAX_AMOUNT)) {
        throw new ValidationError(CoreErrorCode.InvalidInput, [
          {
            path: ['properties', this.config.amountProperty],
            message: `the amount of a purchase must be a finite number of at most ${MAX_AMOUNT.toLocaleString('en')} either way`,
          },
        ]);
      }
    }
    const identity =
      parsed.customerId === undefined && parsed.identity
        ? normalizeIdentityInput(parsed.identity, ['identity'], this.config.defaultRegion)
        : null;
    return { index, input: parsed, identity };
  }

  /** One attempt at writing a batch inside `tx`: the outcome of every pending item. */
  private async writeBatch(tx: TenantStore, pending: readonly PendingItem[], now: Date): Promise<BatchWrite<TProps>> {
    const outcomes = new Map<number, RecordOutcome<TProps>>();
    const { customerIds, created } = await this.resolveCustomers(tx, pending, outcomes);
    const interactions: { index: number; interaction: Interaction }[] = [];
    for (const item of pending) {
      const customerId = customerIds.get(item.index);
      if (customerId === undefined) continue;
      interactions.push({ index: item.index, interaction: this.newInteraction(item, customerId, now) });
    }
    const statuses = await tx.interactions.insertMany(interactions.map((entry) => entry.interaction));
    const stored: Interaction[] = [];
    interactions.forEach((entry, position) => {
      if (statuses[position] === 'stored') {
        stored.push(entry.interaction);
        outcomes.set(entry.index, { index: entry.index, status: 'stored', interaction: entry.interaction as Interaction<TProps> });
      } else {
        outcomes.set(entry.index, { index: entry.index, status: 'duplicate', idempotencyKey: entry.interaction.idempotencyKey ?? '' });
      }
    });
    const deltas = metricsDeltas(stored, this.config);
    await tx.customers.applyMetrics([...deltas].map(([customerId, delta]) => ({ customerId, delta })));
    return { outcomes, created, stored };
  }

  private newInteraction(item: PendingItem, customerId: string, now: Date): Interaction {
    return {
      id: this.ids.next(),
      tenantId: this.store.tenantId,
      customerId,
      channel: item.input.channel,
      type: item.input.type,
      direction: item.input.direction,
      occurredAt: item.input.occurredAt ?? now,
      recordedAt: now,
      properties: item.input.properties,
      source: item.input.source,
      idempotencyKey: item.input.idempotencyKey,
    };
  }

  /**
   * Finds the customer of each pending item in few queries, creating one (inside `tx`) for
   * each identity nobody has yet; an unknown customer id rejects its item.
   */
  private async resolveCustomers(
    tx: TenantStore,
    pending: readonly PendingItem[],
    outcomes: Map<number, RecordOutcome<TProps>>,
  ): Promise<{ customerIds: Map<number, string>; created: Customer[] }> {
    const customerIds = new Map<number, string>();
    const created: Customer[] = [];
    const requestedIds = [...new Set(pending.flatMap((item) => (item.identity ? [] : [item.input.customerId as string])))];
    const byId = requestedIds.length > 0 ? await tx.customers.resolveIds(requestedIds) : new Map<string, string>();
    const identities = [
      ...new Map(pending.flatMap((item) => (item.identity ? [[identityKey(item.identity), item.identity] as const] : []))).values(),
    ];
    const byIdentity = new Map<string, string>();
    if (identities.length > 0) {
      for (const owner of await tx.customers.findOwners(identities)) byIdentity.set(identityKey(owner.identity), owner.customerId);
    }
    for (const item of pending) {
      if (item.identity) {
        const key = identityKey(item.identity);
        let customerId = byIdentity.get(key);
        if (customerId === undefined) {
          const customer = await this.customers.createForIdentity(tx, item.identity);
          created.push(customer as Customer);
          customerId = customer.id;
          byIdentity.set(key, customerId);
        }
        customerIds.set(item.index, customerId);
        continue;
      }
      const requested = item.input.customerId as string;
      const customerId = byId.get(requested);
      if (customerId) customerIds.set(item.index, customerId);
      else
        outcomes.set(item.index, {
          index: item.index,
          status: 'rejected',
          error: new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', requested),
        });
    }
    return { customerIds, created };
  }
}

/** What one attempt at writing a batch did. */
interface BatchWrite<TProps> {
  outcomes: Map<number, RecordOutcome<TProps>>;
  /** Customers created for unknown identities, to announce after the commit. */
  created: Customer[];
  stored: Interaction[];
}

function summarize<TProps>(outcomes: RecordOutcome<TProps>[]): RecordManyResult<TProps> {
  let stored = 0;
  let duplicates = 0;
  let rejected = 0;
  for (const outcome of outcomes) {
    if (outcome.status === 'stored') stored++;
    else if (outcome.status === 'duplicate') duplicates++;
    else rejected++;
  }
  return { outcomes, stored, duplicates, rejected };
}

function asRapportError(error: unknown): RapportError {
  if (isRapportError(error)) return error;
  return new RapportError({
    code: 'INTERNAL',
    kind: 'internal',
    message: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { service } from '../di/service.js';
import { CLOCK, CRM_CONFIG, EVENT_BUS, ID_GENERATOR, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError, ValidationError } from '../errors/error-classes.js';
import { isRapportError, RapportError } from '../errors/rapport-error.js';
import type { EventBus } from '../events/event-bus.js';
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
import { CustomerService } from './customer-service.js';
import { normalizeIdentityInput } from './identities.js';
import { metricsDeltas } from './metrics-delta.js';
import { SegmentService } from './segment-service.js';

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
    const interactions: { index: number; interaction: Interaction }[] = [];
    const customerIds = await this.resolveCustomers(pending, outcomes);
    for (const item of pending) {
      const customerId = customerIds.get(item.index);
      if (customerId === undefined) continue;
      interactions.push({
        index: item.index,
        interaction: {
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
        },
      });
    }
    const stored = await this.store.transaction(async (tx) => {
      const statuses = await tx.interactions.insertMany(interactions.map((entry) => entry.interaction));
      const kept = interactions.filter((_, position) => statuses[position] === 'stored');
      interactions.forEach((entry, position) => {
        outcomes[entry.index] =
          statuses[position] === 'stored'
            ? { index: entry.index, status: 'stored', interaction: entry.interaction as Interaction<TProps> }
            : { index: entry.index, status: 'duplicate', idempotencyKey: entry.interaction.idempotencyKey ?? '' };
      });
      const deltas = metricsDeltas(
        kept.map((entry) => entry.interaction),
        this.config,
      );
      await tx.customers.applyMetrics([...deltas].map(([customerId, delta]) => ({ customerId, delta })));
      return kept;
    });
    for (const entry of stored) this.events.emit('interaction.recorded', { tenantId: this.store.tenantId, interaction: entry.interaction });
    if (this.config.refreshOnChange) {
      for (const customerId of new Set(stored.map((entry) => entry.interaction.customerId)))
        await this.segments.refreshCustomer(customerId);
    }
    return summarize(outcomes as RecordOutcome<TProps>[]);
  }

  /** A customer's interactions, newest first, filtered, a page at a time. */
  async timeline(customerId: string, query: TimelineQuery = {}): Promise<Page<Interaction<TProps>>> {
    const filter = parseInput(TimelineQuerySchema, query, 'query');
    const customer = await this.customers.requireLive(this.store, customerId);
    return (await this.store.interactions.timeline(customer.id, filter)) as Page<Interaction<TProps>>;
  }

  private validate(input: unknown, index: number): PendingItem {
    const parsed = parseInput(RecordInteractionInputSchema, input);
    parsed.properties = parseInput(this.config.interactionPropertiesSchema, parsed.properties, 'properties');
    if (this.config.purchaseTypes.has(parsed.type)) {
      const amount = parsed.properties[this.config.amountProperty];
      if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount))) {
        throw new ValidationError(CoreErrorCode.InvalidInput, [
          { path: ['properties', this.config.amountProperty], message: 'the amount of a purchase must be a finite number' },
        ]);
      }
    }
    const identity =
      parsed.customerId === undefined && parsed.identity
        ? normalizeIdentityInput(parsed.identity, ['identity'], this.config.defaultRegion)
        : null;
    return { index, input: parsed, identity };
  }

  /** Finds (or creates, for unknown identities) the customer of each pending item, in few queries. */
  private async resolveCustomers(pending: PendingItem[], outcomes: (RecordOutcome<TProps> | undefined)[]): Promise<Map<number, string>> {
    const resolved = new Map<number, string>();
    const requestedIds = [...new Set(pending.flatMap((item) => (item.identity ? [] : [item.input.customerId as string])))];
    const byId = requestedIds.length > 0 ? await this.store.customers.resolveIds(requestedIds) : new Map<string, string>();
    const identities = [
      ...new Map(pending.flatMap((item) => (item.identity ? [[identityKey(item.identity), item.identity] as const] : []))).values(),
    ];
    const byIdentity = new Map<string, string>();
    if (identities.length > 0) {
      for (const owner of await this.store.customers.findOwners(identities)) byIdentity.set(identityKey(owner.identity), owner.customerId);
    }
    for (const item of pending) {
      try {
        if (item.identity) {
          const key = identityKey(item.identity);
          let customerId = byIdentity.get(key);
          if (customerId === undefined) {
            customerId = (await this.customers.ensureForIdentity(item.identity)).customer.id;
            byIdentity.set(key, customerId);
          }
          resolved.set(item.index, customerId);
          continue;
        }
        const requested = item.input.customerId as string;
        const customerId = byId.get(requested);
        if (!customerId) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', requested);
        resolved.set(item.index, customerId);
      } catch (error) {
        outcomes[item.index] = { index: item.index, status: 'rejected', error: asRapportError(error) };
      }
    }
    return resolved;
  }
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

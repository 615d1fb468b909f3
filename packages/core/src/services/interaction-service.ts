import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { service } from '../di/service.js';
import { CLOCK, CRM_CONFIG, EVENT_BUS, HOOK_RUNNER, ID_GENERATOR, STORAGE, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError, ValidationError } from '../errors/error-classes.js';
import { isRapportError, RapportError } from '../errors/rapport-error.js';
import type { EventBus } from '../events/event-bus.js';
import type { HookRunner } from '../hooks/hook-runner.js';
import type { Customer } from '../model/customer.js';
import { type Identity, identityKey } from '../model/identity.js';
import {
  type DuplicateOutcome,
  type Interaction,
  type RecordInteractionInput,
  type RecordManyResult,
  type RecordOutcome,
  type TimelineQuery,
  TimelineQuerySchema,
} from '../model/interaction.js';
import type { Page } from '../model/page.js';
import { parseInput } from '../util/parse.js';
import { retryOnConflict } from '../util/retry.js';
import { assertId, assertStorable } from '../util/storable.js';
import { lockCustomers } from './customer-locks.js';
import { CustomerService } from './customer-service.js';
import { type DuplicateAttempt, describeDuplicates } from './duplicate-outcomes.js';
import { checkInteractionChange } from './hook-changes.js';
import { inputSchemasFor, type ParsedRecordInput } from './input-schemas.js';

export { MAX_AMOUNT } from './input-schemas.js';

import { metricsDeltas } from './metrics-delta.js';
import { SegmentService } from './segment-service.js';

/** Largest batch `recordMany` accepts; split bigger imports. */
export const MAX_BATCH_SIZE = 10_000;

/** A validated item waiting for its customer. */
interface PendingItem {
  index: number;
  input: ParsedRecordInput;
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
    @inject(HOOK_RUNNER) private readonly hooks: HookRunner,
  ) {}

  /**
   * Records one interaction. Returns `duplicate` when its idempotency key is already stored,
   * with the interaction holding the key and whether this one differs from it (`conflict`,
   * `differences`: two different events claimed one key); throws a `ValidationError` or
   * `CUSTOMER_NOT_FOUND` for bad input.
   */
  async record(
    input: RecordInteractionInput<TProps>,
  ): Promise<{ status: 'stored'; interaction: Interaction<TProps> } | Omit<DuplicateOutcome, 'index'>> {
    const [outcome] = (await this.recordMany([input])).outcomes;
    if (!outcome) throw new RapportError({ code: CoreErrorCode.Internal, kind: 'internal', message: 'no outcome for a recorded item' });
    if (outcome.status === 'rejected') throw outcome.error;
    const { index: _index, ...rest } = outcome;
    return rest;
  }

  /**
   * Records a batch. Each item gets an outcome: `stored`, `duplicate` (its idempotency key
   * is already stored, or repeats in the batch; see {@link DuplicateOutcome} for how a
   * conflicting duplicate is told from a retry) or `rejected` with a typed error naming the
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
    const written = await this.writeWithoutRefused(pending, now, outcomes);
    for (const [index, outcome] of written.outcomes) outcomes[index] = outcome;
    for (const outcome of await describeDuplicates(this.store, duplicateAttempts(written.duplicates, pending)))
      outcomes[outcome.index] = outcome;
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
    // One pass over the whole item (structure, the identity, the app's properties, the
    // purchase amount), so the error lists every bad field.
    const parsed = parseInput(inputSchemasFor(this.config).record, input);
    return { index, input: parsed, identity: parsed.customerId === undefined ? (parsed.identity ?? null) : null };
  }

  /**
   * Writes the batch in one transaction. An item a hook refuses (a veto, a failure) is taken
   * out and the batch written again without it: the storages have no savepoints, and what an
   * earlier hook wrote for the refused item must not commit with the others.
   */
  private async writeWithoutRefused(
    pending: readonly PendingItem[],
    now: Date,
    outcomes: (RecordOutcome<TProps> | undefined)[],
  ): Promise<BatchWrite<TProps>> {
    let remaining = pending;
    // Most batches name live customers by id: locking them first answers who they are too.
    let lockFirst = true;
    for (;;) {
      try {
        return await retryOnConflict(() => this.store.transaction((tx) => this.writeBatch(tx, remaining, now, lockFirst)));
      } catch (error) {
        if (error instanceof NotAllLive) {
          lockFirst = false;
          continue;
        }
        if (!(error instanceof HookRefusals)) throw error;
        for (const [index, outcome] of error.refused) outcomes[index] = outcome as RecordOutcome<TProps>;
        remaining = remaining.filter((item) => !error.refused.has(item.index));
      }
    }
  }

  /** One attempt at writing a batch inside `tx`: the outcome of every pending item. */
  private async writeBatch(tx: TenantStore, pending: readonly PendingItem[], now: Date, lockFirst: boolean): Promise<BatchWrite<TProps>> {
    const outcomes = new Map<number, RecordOutcome<TProps>>();
    const locked = lockFirst ? await lockNamedCustomers(tx, pending) : null;
    const { customerIds, unknown } = locked ?? (await this.resolveCustomers(tx, pending, outcomes));
    // The customers written to are locked before anything is written (so no merge can retire
    // one of them until this commits), and in id order before the new customers' identities
    // are inserted, so two batches cannot wait on each other.
    if (!locked) await lockCustomers(tx, [...new Set(customerIds.values())]);
    const refused = new Map<number, RecordOutcome<TProps>>();
    const created = await this.createUnknown(tx, pending, unknown, customerIds, refused);
    const interactions: { index: number; interaction: Interaction }[] = [];
    for (const item of pending) {
      const customerId = customerIds.get(item.index);
      if (customerId === undefined) continue;
      const interaction = await this.beforeRecord(tx, this.newInteraction(item, customerId, now));
      if (interaction instanceof RapportError) refused.set(item.index, { index: item.index, status: 'rejected', error: interaction });
      else interactions.push({ index: item.index, interaction });
    }
    // Roll back what the hooks wrote so far; the batch is written again without the refused items.
    if (refused.size > 0) throw new HookRefusals(refused);
    const statuses = await tx.interactions.insertMany(interactions.map((entry) => entry.interaction));
    const stored: Interaction[] = [];
    const duplicates: { index: number; interaction: Interaction }[] = [];
    interactions.forEach((entry, position) => {
      if (statuses[position] === 'stored') {
        stored.push(entry.interaction);
        outcomes.set(entry.index, { index: entry.index, status: 'stored', interaction: entry.interaction as Interaction<TProps> });
      } else {
        duplicates.push(entry); // described once the batch has committed
      }
    });
    const deltas = metricsDeltas(stored, this.config);
    await tx.customers.applyMetrics([...deltas].map(([customerId, delta]) => ({ customerId, delta })));
    return { outcomes, created, stored, duplicates };
  }

  /**
   * The interaction the `interaction.beforeRecord` hooks leave, inside the batch's
   * transaction; a veto or a failing hook is returned as the item's error (the others are
   * kept). A retryable conflict is thrown, so the whole batch retries.
   */
  private async beforeRecord(tx: TenantStore, draft: Interaction): Promise<Interaction | RapportError> {
    if (!this.hooks.has('interaction.beforeRecord')) return draft;
    try {
      return await this.hooks.run('interaction.beforeRecord', draft, {
        store: tx,
        facts: {},
        validate: (changed, before) => checkInteractionChange(this.config, this.storage, before, changed),
      });
    } catch (error) {
      if (isHookError(error)) return error;
      throw error;
    }
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
   * Finds the customer of each pending item in few queries, reading only: an unknown customer
   * id rejects its item; identities nobody has yet are returned for {@link createUnknown}.
   */
  private async resolveCustomers(
    tx: TenantStore,
    pending: readonly PendingItem[],
    outcomes: Map<number, RecordOutcome<TProps>>,
  ): Promise<{ customerIds: Map<number, string>; unknown: Map<string, Identity> }> {
    const customerIds = new Map<number, string>();
    const requestedIds = [...new Set(pending.flatMap((item) => (item.identity ? [] : [item.input.customerId as string])))];
    const byId = requestedIds.length > 0 ? await tx.customers.resolveIds(requestedIds) : new Map<string, string>();
    const identities = new Map(pending.flatMap((item) => (item.identity ? [[identityKey(item.identity), item.identity] as const] : [])));
    const byIdentity = new Map<string, string>();
    if (identities.size > 0) {
      for (const owner of await tx.customers.findOwners([...identities.values()]))
        byIdentity.set(identityKey(owner.identity), owner.customerId);
    }
    for (const item of pending) {
      if (item.identity) {
        const customerId = byIdentity.get(identityKey(item.identity));
        if (customerId !== undefined) customerIds.set(item.index, customerId);
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
    for (const key of byIdentity.keys()) identities.delete(key);
    return { customerIds, unknown: identities };
  }

  /** Creates (inside `tx`) a customer for each identity nobody has, and points its items at it. */
  private async createUnknown(
    tx: TenantStore,
    pending: readonly PendingItem[],
    unknown: Map<string, Identity>,
    customerIds: Map<number, string>,
    outcomes: Map<number, RecordOutcome<TProps>>,
  ): Promise<Customer[]> {
    if (unknown.size === 0) return [];
    const created = new Map<string, Customer>();
    // A `customer.beforeCreate` hook that vetoes (or fails on) a new person rejects that person's items.
    const refused = new Map<string, RapportError>();
    for (const [key, identity] of unknown) {
      try {
        created.set(key, (await this.customers.createForIdentity(tx, identity)) as Customer);
      } catch (error) {
        if (!isHookError(error)) throw error;
        refused.set(key, error);
      }
    }
    for (const item of pending) {
      if (!item.identity) continue;
      const key = identityKey(item.identity);
      const customer = created.get(key);
      if (customer) customerIds.set(item.index, customer.id);
      const error = refused.get(key);
      if (error) outcomes.set(item.index, { index: item.index, status: 'rejected', error });
    }
    return [...created.values()];
  }
}

/** What one attempt at writing a batch did. */
interface BatchWrite<TProps> {
  outcomes: Map<number, RecordOutcome<TProps>>;
  /** Customers created for unknown identities, to announce after the commit. */
  created: Customer[];
  stored: Interaction[];
  /** Items whose idempotency key was taken, to describe after the commit. */
  duplicates: { index: number; interaction: Interaction }[];
}

/** The duplicates of a batch with whether each gave its own `occurredAt`. */
function duplicateAttempts(duplicates: BatchWrite<unknown>['duplicates'], pending: readonly PendingItem[]): DuplicateAttempt[] {
  if (duplicates.length === 0) return [];
  const timeGiven = new Map(pending.map((item) => [item.index, item.input.occurredAt !== undefined]));
  return duplicates.map((entry) => ({ ...entry, timeGiven: timeGiven.get(entry.index) ?? false }));
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

/**
 * For a batch naming every customer by id: locks them (in id order, as `lockCustomers` does)
 * and, when all are live, returns each item's customer — one statement where resolving and
 * then locking take two. Null when an item names its customer by identity (they are resolved
 * first); throws {@link NotAllLive}, rolling the attempt back and its locks with it, when an id
 * is unknown or merged away: the attempt is made again resolving first, so locks are still
 * only ever taken in one id order.
 */
async function lockNamedCustomers(
  tx: TenantStore,
  pending: readonly PendingItem[],
): Promise<{ customerIds: Map<number, string>; unknown: Map<string, Identity> } | null> {
  if (pending.length === 0 || pending.some((item) => item.identity !== null)) return null;
  const ids = [...new Set(pending.map((item) => item.input.customerId as string))];
  const live = await tx.customers.lockLive(ids);
  if (ids.some((id) => !live.has(id))) throw new NotAllLive();
  return { customerIds: new Map(pending.map((item) => [item.index, item.input.customerId as string])), unknown: new Map() };
}

/**
 * A batch names a customer that is not live (unknown, or merged away): thrown to roll back an
 * attempt that locked first, so the next one resolves first. A `RapportError` so the storage's
 * transaction passes it through unwrapped; it never leaves the service.
 */
class NotAllLive extends RapportError {
  constructor() {
    super({ code: CoreErrorCode.Internal, kind: 'internal', message: 'a customer of the batch is not live', details: {} });
  }
}

/**
 * Items of a batch that hooks refused, thrown to roll the attempt back. A `RapportError` so the
 * storage's transaction passes it through unwrapped; it never leaves the service.
 */
class HookRefusals extends RapportError {
  constructor(readonly refused: ReadonlyMap<number, RecordOutcome<unknown>>) {
    super({ code: CoreErrorCode.Internal, kind: 'internal', message: 'hooks refused items of the batch', details: {} });
  }
}

/** An error a hook raised (a veto, a failure, an invalid change): it rejects one item of a batch. */
function isHookError(error: unknown): error is RapportError {
  return isRapportError(error) && error.code.startsWith('HOOK_');
}

function asRapportError(error: unknown): RapportError {
  if (isRapportError(error)) return error;
  return new RapportError({
    code: CoreErrorCode.Internal,
    kind: 'internal',
    message: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

import { inject } from 'tsyringe';
import { z } from 'zod';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { service } from '../di/service.js';
import { CLOCK, CRM_CONFIG, EVENT_BUS, HOOK_RUNNER, ID_GENERATOR, STORAGE, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/error-classes.js';
import type { EventBus } from '../events/event-bus.js';
import type { HookName } from '../hooks/hook-map.js';
import type { HookRunner } from '../hooks/hook-runner.js';
import {
  type Customer,
  type CustomerListQuery,
  CustomerListQuerySchema,
  TagListSchema,
  UpdateCustomerInputSchema,
} from '../model/customer.js';
import { type Identity, type IdentityInput, identityKey } from '../model/identity.js';
import { combineMetrics, emptyMetrics } from '../model/metrics.js';
import type { Page } from '../model/page.js';
import { guardAgainstSuppression } from '../privacy/suppression-guard.js';
import { parseInput } from '../util/parse.js';
import { retryOnConflict } from '../util/retry.js';
import { assertId, assertStorable } from '../util/storable.js';
import { lockCustomers, lockLiveCustomer, mergedMeanwhile } from './customer-locks.js';
import { checkCustomerChange } from './hook-changes.js';
import { normalizeIdentityInput, uniqueIdentities } from './identities.js';
import { type ConflictingMatch, type ConflictingMatchPolicy, conflictingMatchError, matchUpsert } from './identity-match.js';
import { inputSchemasFor } from './input-schemas.js';
import { SegmentService } from './segment-service.js';
import { mergeTraitsBySurvivorship, type TraitSurvivorship } from './survivorship.js';
import { changedKeys, mergeTraits } from './traits-patch.js';

/** Input of {@link CustomerService.create}. */
export interface CreateCustomerInput<TTraits> {
  identities?: IdentityInput[];
  traits?: TTraits;
  tags?: string[];
  lifecycleStage?: string | null;
}

/** Input of {@link CustomerService.upsert}: identities to find the customer by, and what to set. */
export interface UpsertCustomerInput<TTraits> {
  identities: IdentityInput[];
  /** Merged into the stored traits (a JSON merge patch). */
  traits?: Partial<TTraits>;
  /** Added to the stored tags. */
  tags?: string[];
  lifecycleStage?: string | null;
}

/** Result of {@link CustomerService.upsert}. */
export interface UpsertResult<TTraits> {
  customer: Customer<TTraits>;
  created: boolean;
  /**
   * Identities in the input that belong to another customer. They were not moved: two
   * records that share a person are merged explicitly with {@link CustomerService.merge}.
   */
  unlinked: { identity: Identity; customerId: string }[];
  /**
   * Customers the input matched only through shared identities (a phone) and was not merged
   * into, because it carries a personal identity (an e-mail, an external id of the same
   * namespace) they already have with another value — most likely two people sharing a
   * phone. Empty in the common case. See {@link matchUpsert} for the rule.
   */
  conflicts: ConflictingMatch[];
}

/** Options of {@link CustomerService.upsert}. */
export interface UpsertOptions {
  /**
   * What to do when the only match is a conflicting one: `create` a customer of its own (and
   * report the conflict in `conflicts`) or `reject` with `CUSTOMER_CONFLICTING_MATCH`.
   * @defaultValue `createCrm({ identities: { onConflictingMatch } })`, else `'create'`
   */
  onConflictingMatch?: ConflictingMatchPolicy;
}

const UpsertOptionsSchema = z.object({ onConflictingMatch: z.enum(['create', 'reject']).optional() });

/** Input of {@link CustomerService.update}. */
export interface UpdateCustomerInput<TTraits> {
  /** JSON merge patch: `null` removes a trait. */
  traits?: { [K in keyof TTraits]?: TTraits[K] | null };
  lifecycleStage?: string | null;
  /** Fail with `CUSTOMER_VERSION_CONFLICT` unless the stored version is this one. */
  expectedVersion?: number;
}

/** Options of {@link CustomerService.merge}. */
export interface MergeOptions<TTraits> {
  /** How to pick traits; default `survivor` (its values win, the merged one fills gaps). */
  traits?: TraitSurvivorship<TTraits>;
}

const MergeOptionsSchema = z.object({ traits: z.unknown().optional() });

/** Customers of one tenant: create, find, upsert by any identity, update, tag, list, merge. */
@service()
export class CustomerService<TTraits = Record<string, unknown>> {
  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(STORAGE) private readonly storage: Storage,
    @inject(CRM_CONFIG) private readonly config: ResolvedCrmConfig,
    @inject(EVENT_BUS) private readonly events: EventBus,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(SegmentService) private readonly segments: SegmentService,
    @inject(HOOK_RUNNER) private readonly hooks: HookRunner,
  ) {}

  /** Creates a customer. Fails with `IDENTITY_TAKEN` when an identity belongs to someone else. */
  async create(input: CreateCustomerInput<TTraits> = {}): Promise<Customer<TTraits>> {
    // Checked before parsing: the schema would drop `__proto__` keys, and deep values would exhaust its stack.
    assertStorable(this.storage, input);
    const parsed = parseInput(inputSchemasFor(this.config).create, input);
    const identities = uniqueIdentities(parsed.identities);
    // Checked with the rest of the input above; every write of traits still goes through validateTraits.
    const draft = this.newCustomer(identities, this.validateTraits(parsed.traits), parsed.tags, parsed.lifecycleStage);
    const customer = await this.insertNew(draft);
    await this.afterChange('customer.created', customer);
    return customer;
  }

  /** A customer by id. A merged-away id resolves to the customer it was merged into. */
  async get(id: string): Promise<Customer<TTraits>> {
    assertId(id);
    return this.requireLive(this.store, id);
  }

  /** The customer known by an identity, or null. */
  async find(identity: IdentityInput): Promise<Customer<TTraits> | null> {
    assertStorable(this.storage, identity, ['identity']);
    const normalized = normalizeIdentityInput(identity, ['identity'], this.config.defaultRegion);
    return (await this.store.customers.findByIdentity(normalized)) as Customer<TTraits> | null;
  }

  /**
   * Finds the customer by any of the identities and updates it, or creates one. Identities it
   * lacks are added unless they belong to another customer (then they are reported in
   * `unlinked`). Safe under concurrency: two upserts of one new e-mail give one customer.
   *
   * A match through a personal identity (e-mail, external id) wins over one through a shared
   * identity (phone). A match through shared identities alone is not taken when the input
   * carries a personal identity that the matched customer already has with another value:
   * the record is created as a customer of its own and the conflict reported in `conflicts`
   * (or, with `onConflictingMatch: 'reject'`, the upsert fails with a `ConflictError`
   * `CUSTOMER_CONFLICTING_MATCH` whose details list the conflicts) — see {@link matchUpsert}.
   */
  async upsert(input: UpsertCustomerInput<TTraits>, options: UpsertOptions = {}): Promise<UpsertResult<TTraits>> {
    assertStorable(this.storage, input);
    const parsed = parseInput(inputSchemasFor(this.config).upsert, input);
    const policy = parseInput(UpsertOptionsSchema, options, 'options').onConflictingMatch ?? this.config.onConflictingMatch;
    const identities = uniqueIdentities(parsed.identities);
    return retryOnConflict(() => this.upsertOnce(identities, parsed, policy));
  }

  /**
   * Updates traits (as a merge patch) and the lifecycle stage. Retries on a concurrent
   * change unless `expectedVersion` is given, in which case a mismatch fails with
   * `CUSTOMER_VERSION_CONFLICT`.
   */
  async update(id: string, input: UpdateCustomerInput<TTraits>): Promise<Customer<TTraits>> {
    assertId(id);
    assertStorable(this.storage, input);
    const parsed = parseInput(UpdateCustomerInputSchema, input);
    return this.mutate(id, parsed.expectedVersion, (current) => {
      const traits = parsed.traits ? this.validateTraits(this.patchedTraits(current, parsed.traits)) : current.traits;
      const lifecycleStage = parsed.lifecycleStage === undefined ? current.lifecycleStage : parsed.lifecycleStage;
      return { ...current, traits: traits as TTraits, lifecycleStage };
    });
  }

  /** Adds an identity. Fails with `IDENTITY_TAKEN` when another customer has it. */
  async addIdentity(id: string, identity: IdentityInput): Promise<Customer<TTraits>> {
    assertId(id);
    assertStorable(this.storage, identity, ['identity']);
    const normalized = normalizeIdentityInput(identity, ['identity'], this.config.defaultRegion);
    const outcome = await this.writeLocked(id, async (tx, current) => {
      await tx.customers.addIdentity(current.id, normalized);
      return this.afterIdentityChange(tx, current);
    });
    await this.afterChange('customer.updated', outcome.customer, outcome.changed);
    return outcome.customer;
  }

  /**
   * Removes an identity. Fails with `IDENTITY_NOT_FOUND` when the customer does not have it,
   * and with the `ConflictError` `CUSTOMER_LAST_IDENTITY` when it is the customer's only one
   * (a customer found by an identity stays findable; add the new identity first, then remove
   * the old). The check holds under concurrent removals.
   */
  async removeIdentity(id: string, identity: IdentityInput): Promise<Customer<TTraits>> {
    assertId(id);
    assertStorable(this.storage, identity, ['identity']);
    const normalized = normalizeIdentityInput(identity, ['identity'], this.config.defaultRegion);
    const outcome = await this.writeLocked(id, async (tx, current) => {
      const removed = await tx.customers.removeIdentity(current.id, normalized);
      if (!removed) throw new NotFoundError(CoreErrorCode.IdentityNotFound, 'identity', `${normalized.type}:${normalized.value}`);
      return this.afterIdentityChange(tx, current);
    });
    await this.afterChange('customer.updated', outcome.customer, outcome.changed);
    return outcome.customer;
  }

  /** Adds a tag or tags (already present ones are ignored); at most 200 per call. */
  async tag(id: string, tags: string | readonly string[]): Promise<Customer<TTraits>> {
    const parsed = this.parseTags(id, tags);
    return this.mutate(id, undefined, (current) => ({ ...current, tags: [...new Set([...current.tags, ...parsed])] }));
  }

  /** Removes a tag or tags (absent ones are ignored); at most 200 per call. */
  async untag(id: string, tags: string | readonly string[]): Promise<Customer<TTraits>> {
    const parsed = new Set(this.parseTags(id, tags));
    return this.mutate(id, undefined, (current) => ({ ...current, tags: current.tags.filter((tag) => !parsed.has(tag)) }));
  }

  /** Customers in id (= creation) order, filtered, a page at a time. */
  async list(query: CustomerListQuery = {}): Promise<Page<Customer<TTraits>>> {
    assertStorable(this.storage, query, ['query']);
    const filter = parseInput(CustomerListQuerySchema, query, 'query');
    return (await this.store.customers.list(filter)) as Page<Customer<TTraits>>;
  }

  /**
   * Merges `mergedId` into `survivorId`: identities, tags, interactions and consents move to
   * the survivor, traits follow the survivorship rule, metrics are combined, and the merged
   * id keeps resolving to the survivor. All in one transaction, with both customers locked,
   * so writes to either of them that run meanwhile land on the survivor, counted once.
   *
   * Merges of the same customers run one after the other and each succeeds: when the two ids
   * already stand for one customer (merged earlier, or by a concurrent merge either way
   * round), nothing changes and that customer is returned.
   */
  async merge(survivorId: string, mergedId: string, options: MergeOptions<TTraits> = {}): Promise<Customer<TTraits>> {
    assertMergeArguments(survivorId, mergedId, options);
    const result = await retryOnConflict(() => this.store.transaction((tx) => this.mergeOnce(tx, survivorId, mergedId, options)));
    if (result.mergedId === null) return result.customer;
    this.events.emit('customer.merged', {
      tenantId: this.store.tenantId,
      survivorId: result.customer.id,
      mergedId: result.mergedId,
      customer: result.customer as Customer,
    });
    if (this.config.refreshOnChange) await this.segments.refreshCustomer(result.customer.id);
    return result.customer;
  }

  /** Resolves an id (following merges) to a live customer inside `store`, or throws `CUSTOMER_NOT_FOUND`. */
  async requireLive(store: TenantStore, id: string): Promise<Customer<TTraits>> {
    if (typeof id !== 'string' || id.length === 0) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['id'], message: 'must be a non-empty string' }]);
    }
    // Most ids are live: read directly, and follow a merge only when that finds nothing. The
    // survivor may itself be merged between the two reads (a concurrent merge committing):
    // follow again, a few hops, then leave it to the caller's retry.
    let current = id;
    for (let hop = 0; hop < 4; hop++) {
      const customer = await store.customers.get(current);
      if (customer) return customer as Customer<TTraits>;
      const resolved = await store.customers.resolveId(current);
      if (resolved === null || (resolved === current && hop === 0)) break;
      current = resolved;
    }
    if (current !== id) throw mergedMeanwhile(current);
    throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', id);
  }

  /**
   * Runs `work` in one transaction on the live customer `id` stands for, with its row
   * locked, so that no merge can retire it before the work commits: what the work attaches
   * to the customer (an identity, a consent) never lands on a merged-away record. When a
   * merge retires it between resolving and locking, the work starts again on the survivor.
   * Plugins that attach rows to a customer write through this.
   */
  writeLocked<T>(id: string, work: (tx: TenantStore, customer: Customer<TTraits>) => Promise<T>): Promise<T> {
    return retryOnConflict(
      () => this.store.transaction(async (tx) => work(tx, (await lockLiveCustomer(tx, id)) as Customer<TTraits>)),
      undefined,
      [CoreErrorCode.CustomerMerged, CoreErrorCode.StorageConflict],
    );
  }

  /**
   * Creates a customer known only by `identity`, through `store` (a transaction of the
   * caller's), without announcing it: the caller calls {@link CustomerService.announceCreated}
   * once its transaction has committed. Used when an interaction arrives for an unknown
   * person; fails with the retryable `IDENTITY_TAKEN` when a concurrent writer got there first.
   * The `customer.beforeCreate` hooks run on it inside `store` (a veto throws `HOOK_VETOED`).
   */
  async createForIdentity(store: TenantStore, identity: Identity): Promise<Customer<TTraits>> {
    const customer = await this.beforeCreate(store, this.newCustomer([identity], {}, [], null));
    await store.customers.insert(untyped(customer));
    await guardAgainstSuppression(store, this.config.privacy.suppressionKey, customer.identities);
    return customer;
  }

  /** Emits `customer.created` (and refreshes segments) for a customer created in a committed transaction. */
  announceCreated(customer: Customer<TTraits>): Promise<void> {
    return this.afterChange('customer.created', customer);
  }

  /** One attempt at a merge inside `tx`; `mergedId` is null when the two were one customer already. */
  private async mergeOnce(
    tx: TenantStore,
    survivorId: string,
    mergedId: string,
    options: MergeOptions<TTraits>,
  ): Promise<{ customer: Customer<TTraits>; mergedId: string | null }> {
    // Only the ids are needed before the lock: the records are read once, after it.
    const [survivorLiveId, mergedLiveId] = await Promise.all([liveIdOf(tx, survivorId), liveIdOf(tx, mergedId)]);
    if (survivorLiveId === mergedLiveId) {
      if (survivorId === mergedId) {
        throw new ValidationError(CoreErrorCode.MergeSelf, [{ path: ['mergedId'], message: 'is the same customer as survivorId' }]);
      }
      return { customer: await this.requireLive(tx, survivorLiveId), mergedId: null };
    }
    // Both rows locked in one statement (in id order, so opposing merges cannot deadlock),
    // then read again: the figures combined below are the latest, and no write to either
    // customer can land until this transaction ends. One merged meanwhile: start again.
    await lockCustomers(tx, [survivorLiveId, mergedLiveId]);
    const [survivor, merged] = await Promise.all([this.requireLive(tx, survivorLiveId), this.requireLive(tx, mergedLiveId)]);
    const traits = this.validateTraits(
      mergeTraitsBySurvivorship(survivor, merged, options.traits ?? 'survivor') as Record<string, unknown>,
    );
    const now = this.clock.now();
    const next: Customer<TTraits> = {
      ...survivor,
      traits: traits as TTraits,
      tags: [...new Set([...survivor.tags, ...merged.tags])],
      lifecycleStage: survivor.lifecycleStage ?? merged.lifecycleStage,
      updatedAt: now,
      version: survivor.version + 1,
    };
    const retired: Customer<TTraits> = { ...merged, updatedAt: now, version: merged.version + 1 };
    for (const [record, expected] of [
      [next, survivor.version],
      [retired, merged.version],
    ] as const) {
      if (!(await tx.customers.update(untyped(record), expected))) throw this.versionConflict(record.id);
    }
    await tx.customers.markMerged(merged.id, survivor.id, now);
    await tx.customers.moveIdentities(merged.id, survivor.id);
    await tx.interactions.reassignCustomer(merged.id, survivor.id);
    await tx.consents.reassignCustomer(merged.id, survivor.id);
    await tx.reassignTableRows(merged.id, survivor.id);
    await tx.segments.clearMemberships(merged.id);
    await tx.customers.replaceMetrics(survivor.id, combineMetrics(survivor.metrics, merged.metrics));
    return { customer: await this.requireLive(tx, survivor.id), mergedId: merged.id };
  }

  private async upsertOnce(
    identities: Identity[],
    parsed: { traits: Record<string, unknown>; tags: string[]; lifecycleStage?: string | null | undefined },
    policy: ConflictingMatchPolicy,
  ): Promise<UpsertResult<TTraits>> {
    const owners = await this.store.customers.findOwners(identities);
    const ownerByKey = new Map(owners.map((owner) => [identityKey(owner.identity), owner.customerId]));
    const { customerId: primaryId, conflicts } = await matchUpsert(identities, owners, (ids) => this.store.customers.getMany(ids));
    if (primaryId === undefined) {
      if (conflicts.length > 0 && policy === 'reject') throw conflictingMatchError(conflicts);
      // Identities owned by the customers passed over stay theirs: an identity has one owner.
      const free = identities.filter((identity) => !ownerByKey.has(identityKey(identity)));
      const traits = this.validateTraits(parsed.traits);
      const customer = await this.insertNew(this.newCustomer(free, traits, parsed.tags, parsed.lifecycleStage ?? null));
      await this.afterChange('customer.created', customer);
      return { customer, created: true, unlinked: owners.map(({ identity, customerId }) => ({ identity, customerId })), conflicts };
    }
    const unlinked = owners.filter((owner) => owner.customerId !== primaryId);
    const missing = identities.filter((identity) => !ownerByKey.has(identityKey(identity)));
    const outcome = await this.store.transaction(async (tx) => {
      const current = (await lockLiveCustomer(tx, primaryId)) as Customer<TTraits>;
      for (const identity of missing) await tx.customers.addIdentity(current.id, identity);
      const proposed: Customer<TTraits> = {
        ...current,
        identities: [...current.identities, ...missing],
        traits: this.validateTraits(this.patchedTraits(current, parsed.traits)) as TTraits,
        tags: [...new Set([...current.tags, ...parsed.tags])],
        lifecycleStage: parsed.lifecycleStage === undefined ? current.lifecycleStage : parsed.lifecycleStage,
      };
      const proposedChanges = this.profileChanges(current, proposed);
      if (missing.length > 0) proposedChanges.push('identities');
      // The hooks see the record as it will be stored; what they return is what is written.
      const next = proposedChanges.length > 0 ? await this.beforeUpdate(tx, current, proposed, proposedChanges) : proposed;
      const changed = this.profileChanges(current, next);
      if (missing.length > 0) changed.push('identities');
      if (changed.length > 0 && !changed.every((key) => key === 'identities')) {
        const written = { ...next, updatedAt: this.clock.now(), version: current.version + 1 };
        if (!(await tx.customers.update(untyped(written), current.version))) throw this.versionConflict(current.id);
      }
      return { customer: await this.requireLive(tx, current.id), changed };
    });
    if (outcome.changed.length > 0) await this.afterChange('customer.updated', outcome.customer, outcome.changed);
    return { customer: outcome.customer, created: false, unlinked, conflicts };
  }

  private async mutate(
    id: string,
    expectedVersion: number | undefined,
    change: (current: Customer<TTraits>) => Customer<TTraits>,
  ): Promise<Customer<TTraits>> {
    // With an expected version a conflict is the caller's to resolve; without one, the
    // change is re-applied to the latest record (and the hooks run again on it).
    const outcome = await retryOnConflict(
      () =>
        this.inHookScope('customer.beforeUpdate', async (store) => {
          const current = await this.requireLive(store, id);
          if (expectedVersion !== undefined && current.version !== expectedVersion) {
            throw this.versionConflict(current.id, expectedVersion, current.version);
          }
          const proposed = change(current);
          const proposedChanges = this.profileChanges(current, proposed);
          if (proposedChanges.length === 0) return { customer: current, changed: proposedChanges };
          const next = await this.beforeUpdate(store, current, proposed, proposedChanges);
          const changed = this.profileChanges(current, next);
          if (changed.length === 0) return { customer: current, changed };
          const written: Customer<TTraits> = { ...next, updatedAt: this.clock.now(), version: current.version + 1 };
          if (!(await store.customers.update(untyped(written), current.version))) throw this.versionConflict(current.id, expectedVersion);
          return { customer: written, changed };
        }),
      expectedVersion === undefined ? undefined : 1,
    );
    if (outcome.changed.length > 0) await this.afterChange('customer.updated', outcome.customer, outcome.changed);
    return outcome.customer;
  }

  /**
   * Runs `work` in one transaction when hooks of `name` are registered, so that what they
   * write commits with the operation or not at all; without hooks, directly (no transaction
   * to pay for).
   */
  private inHookScope<T>(name: HookName, work: (store: TenantStore) => Promise<T>): Promise<T> {
    return this.hooks.has(name) ? this.store.transaction(work) : work(this.store);
  }

  /** Stores a new customer after its `customer.beforeCreate` hooks, in one transaction with them. */
  private insertNew(draft: Customer<TTraits>): Promise<Customer<TTraits>> {
    // Always one transaction: the suppression check after the insert must be able to undo it.
    return this.store.transaction(async (store) => {
      const customer = await this.beforeCreate(store, draft);
      await store.customers.insert(untyped(customer));
      await guardAgainstSuppression(store, this.config.privacy.suppressionKey, customer.identities);
      return customer;
    });
  }

  /** The record the `customer.beforeCreate` hooks leave (the draft itself when none is registered). */
  private async beforeCreate(store: TenantStore, draft: Customer<TTraits>): Promise<Customer<TTraits>> {
    if (!this.hooks.has('customer.beforeCreate')) return draft;
    const result = await this.hooks.run('customer.beforeCreate', untyped(draft), {
      store,
      facts: {},
      validate: (changed, before) => checkCustomerChange(this.config, this.storage, before, changed),
    });
    return result as Customer<TTraits>;
  }

  /** The record the `customer.beforeUpdate` hooks leave of `proposed` (`current` is the stored one). */
  private async beforeUpdate(
    store: TenantStore,
    current: Customer<TTraits>,
    proposed: Customer<TTraits>,
    changed: readonly string[],
  ): Promise<Customer<TTraits>> {
    if (!this.hooks.has('customer.beforeUpdate')) return proposed;
    const result = await this.hooks.run('customer.beforeUpdate', untyped(proposed), {
      store,
      facts: { current: untyped(current), changed },
      validate: (next, before) => checkCustomerChange(this.config, this.storage, before, next),
    });
    return result as Customer<TTraits>;
  }

  /**
   * After an identity was added or removed inside `tx`: runs the `customer.beforeUpdate`
   * hooks on the record with its new identities and writes the profile fields they changed.
   */
  private async afterIdentityChange(
    tx: TenantStore,
    current: Customer<TTraits>,
  ): Promise<{ customer: Customer<TTraits>; changed: string[] }> {
    const proposed = await this.requireLive(tx, current.id);
    const next = await this.beforeUpdate(tx, current, proposed, ['identities']);
    const changed = this.profileChanges(proposed, next);
    if (changed.length === 0) return { customer: proposed, changed: ['identities'] };
    const written: Customer<TTraits> = { ...next, updatedAt: this.clock.now(), version: proposed.version + 1 };
    if (!(await tx.customers.update(untyped(written), proposed.version))) throw this.versionConflict(current.id);
    return { customer: await this.requireLive(tx, current.id), changed: ['identities', ...changed] };
  }

  private profileChanges(before: Customer<TTraits>, after: Customer<TTraits>): string[] {
    const changed = changedKeys(before.traits as Record<string, unknown>, after.traits as Record<string, unknown>).map(
      (key) => `traits.${key}`,
    );
    if (JSON.stringify([...before.tags].sort()) !== JSON.stringify([...after.tags].sort())) changed.push('tags');
    if (before.lifecycleStage !== after.lifecycleStage) changed.push('lifecycleStage');
    return changed;
  }

  private async afterChange(
    event: 'customer.created' | 'customer.updated',
    customer: Customer<TTraits>,
    changed: string[] = [],
  ): Promise<void> {
    if (event === 'customer.created') this.events.emit(event, { tenantId: this.store.tenantId, customer: customer as Customer });
    else this.events.emit(event, { tenantId: this.store.tenantId, customer: customer as Customer, changed });
    if (this.config.refreshOnChange) await this.segments.refreshCustomer(customer.id);
  }

  private newCustomer(
    identities: Identity[],
    traits: Record<string, unknown>,
    tags: string[],
    lifecycleStage: string | null,
  ): Customer<TTraits> {
    const now = this.clock.now();
    return {
      id: this.ids.next(),
      tenantId: this.store.tenantId,
      identities,
      traits: traits as TTraits,
      tags: [...new Set(tags)],
      lifecycleStage,
      metrics: emptyMetrics(),
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
  }

  /** The stored traits with the patch applied, within the JSON limits as a whole (a patch alone may be small). */
  private patchedTraits(current: Customer<TTraits>, patch: Record<string, unknown>): Record<string, unknown> {
    const traits = mergeTraits(current.traits as Record<string, unknown>, patch);
    assertStorable(this.storage, { traits });
    return traits;
  }

  private parseTags(id: string, tags: unknown): string[] {
    assertId(id);
    assertStorable(this.storage, tags, ['tags']);
    return parseInput(TagListSchema, tags, 'tags');
  }

  private validateTraits(traits: Record<string, unknown>): Record<string, unknown> {
    return parseInput(this.config.traitsSchema, traits, 'traits') as Record<string, unknown>;
  }

  private versionConflict(id: string, expected?: number, actual?: number): ConflictError {
    return new ConflictError(CoreErrorCode.VersionConflict, `customer "${id}" was changed by someone else; read it again and retry`, {
      id,
      expectedVersion: expected,
      actualVersion: actual,
    });
  }
}

/** The live customer `id` stands for now (itself, or the survivor it was merged into), or `CUSTOMER_NOT_FOUND`. */
async function liveIdOf(tx: TenantStore, id: string): Promise<string> {
  const resolved = await tx.customers.resolveId(id);
  if (resolved === null) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', id);
  return resolved;
}

/** Input checks of {@link CustomerService.merge}, before it reads anything. */
function assertMergeArguments(survivorId: unknown, mergedId: unknown, options: unknown): void {
  assertId(survivorId, 'survivorId');
  assertId(mergedId, 'mergedId');
  parseInput(MergeOptionsSchema, options, 'options');
}

/** Storage works with untyped traits; the app's trait type is a compile-time view over them. */
function untyped<TTraits>(customer: Customer<TTraits>): Customer {
  return customer as unknown as Customer;
}

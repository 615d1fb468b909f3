import { inject } from 'tsyringe';
import { z } from 'zod';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { MembershipChanges, Storage, TenantStore } from '../contracts/storage.js';
import { service } from '../di/service.js';
import { CLOCK, EVENT_BUS, ID_GENERATOR, STORAGE, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { NotFoundError } from '../errors/error-classes.js';
import { isRapportError } from '../errors/rapport-error.js';
import type { EventBus } from '../events/event-bus.js';
import type { Customer } from '../model/customer.js';
import type { Page } from '../model/page.js';
import {
  type Segment,
  type SegmentCondition,
  type SegmentConditionInput,
  SegmentConditionSchema,
  type SegmentDefinition,
  type SegmentDefinitionInput,
  SegmentDefinitionSchema,
} from '../model/segment-definition.js';
import { canonicalJson } from '../util/canonical-json.js';
import { parseInput } from '../util/parse.js';
import { assertId, assertStorable } from '../util/storable.js';
import { SegmentCatalog } from './segment-catalog.js';

/** Changes to a segment; the key stays. */
export interface SegmentPatch {
  name?: string;
  description?: string | null;
  condition?: SegmentConditionInput;
}

/** What {@link SegmentService.declare} did: the stored segment, and whether it was new, changed or already so. */
export interface SegmentDeclaration {
  segment: Segment;
  status: 'created' | 'updated' | 'unchanged';
}

const SegmentPatchSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().nullable().optional(),
  condition: z.unknown().optional(),
});

const PageQuerySchema = z.object({ limit: z.number().int().min(1).max(10_000).default(100), cursor: z.string().optional() });

/** Segments of one tenant: definitions as data, live evaluation, and enter/exit events. */
@service()
export class SegmentService {
  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(STORAGE) private readonly storage: Storage,
    @inject(EVENT_BUS) private readonly events: EventBus,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(SegmentCatalog) private readonly catalog: SegmentCatalog,
  ) {}

  /** Stores a new segment. Fails with `SEGMENT_EXISTS` when the key is taken. */
  async define(input: SegmentDefinitionInput): Promise<Segment> {
    const definition = parseInput(SegmentDefinitionSchema, this.checked(input, ['segment']), 'segment');
    const now = this.clock.now();
    const segment: Segment = { ...definition, id: this.ids.next(), tenantId: this.store.tenantId, createdAt: now, updatedAt: now };
    await this.store.segments.insert(segment);
    this.catalog.invalidate();
    return segment;
  }

  /**
   * Declares a segment: defines it when its key is new, updates it when the stored definition
   * differs (name, description or condition), and leaves it alone when it is the same — so a
   * setup script that declares its segments can run on every start. Returns the stored
   * segment and which of the three happened. Concurrent declarations of one new key give one
   * segment.
   *
   * @example
   * ```ts
   * const { status } = await crm.segments.declare({ key: 'vip', name: 'VIP', condition: { kind: 'tag', op: 'has', value: 'vip' } });
   * // 'created' on the first run, 'unchanged' on the next ones, 'updated' after an edit
   * ```
   */
  async declare(input: SegmentDefinitionInput): Promise<SegmentDeclaration> {
    const definition = parseInput(SegmentDefinitionSchema, input, 'segment');
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.segments.get(definition.key);
      if (current) {
        if (sameDefinition(current, definition)) return { segment: current, status: 'unchanged' };
        const segment: Segment = { ...current, ...definition, updatedAt: this.clock.now() };
        await this.store.segments.update(segment);
        this.catalog.invalidate();
        return { segment, status: 'updated' };
      }
      try {
        return { segment: await this.define(definition), status: 'created' };
      } catch (error) {
        // A concurrent declaration stored the key first: compare with what it stored.
        if (!isRapportError(error, CoreErrorCode.SegmentExists) || attempt >= 3) throw error;
      }
    }
  }

  /** Changes a segment's name, description or condition. */
  async update(key: string, patch: SegmentPatch): Promise<Segment> {
    parseInput(SegmentPatchSchema, this.checked(patch, ['patch']), 'patch');
    const current = await this.get(key);
    const definition = parseInput(
      SegmentDefinitionSchema,
      {
        key: current.key,
        name: patch.name ?? current.name,
        description: patch.description === undefined ? current.description : patch.description,
        condition: patch.condition ?? current.condition,
      },
      'segment',
    );
    const segment: Segment = { ...current, ...definition, updatedAt: this.clock.now() };
    await this.store.segments.update(segment);
    this.catalog.invalidate();
    return segment;
  }

  /** Deletes a segment and its stored memberships. */
  async remove(key: string): Promise<void> {
    assertId(key, 'key');
    const removed = await this.store.segments.remove(key);
    this.catalog.invalidate();
    if (!removed) throw new NotFoundError(CoreErrorCode.SegmentNotFound, 'segment', key);
  }

  /** A segment by key, or `SEGMENT_NOT_FOUND`. */
  async get(key: string): Promise<Segment> {
    assertId(key, 'key');
    const segment = await this.store.segments.get(key);
    if (!segment) throw new NotFoundError(CoreErrorCode.SegmentNotFound, 'segment', key);
    return segment;
  }

  /** Every segment, by key. */
  async list(): Promise<Segment[]> {
    return this.store.segments.list();
  }

  /** Whether a customer matches a segment now (live, not the stored membership). */
  async evaluate(key: string, customerId: string): Promise<boolean> {
    const segment = await this.get(key);
    const id = await this.requireCustomerId(customerId);
    return this.store.segments.matches(id, segment.condition, this.clock.now());
  }

  /** How many customers match a segment now. */
  async count(key: string): Promise<number> {
    const segment = await this.get(key);
    return this.store.segments.count(segment.condition, this.clock.now());
  }

  /** How many customers match a condition now, without saving it (for previews). */
  async countWhere(condition: SegmentConditionInput): Promise<number> {
    const parsed = parseInput(SegmentConditionSchema, this.checked(condition, ['condition']), 'condition');
    return this.store.segments.count(parsed, this.clock.now());
  }

  /** Ids of customers matching a segment now, in id order, a page at a time. */
  async memberIds(key: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<string>> {
    const segment = await this.get(key);
    const query = parseInput(PageQuerySchema, this.checked(page, ['page']), 'page');
    return this.store.segments.members(segment.condition, this.clock.now(), query);
  }

  /** Customers matching a segment now, in id order, a page at a time. */
  async members(key: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<Customer>> {
    const ids = await this.memberIds(key, page);
    const customers = await this.store.customers.getMany(ids.items);
    const byId = new Map(customers.map((customer) => [customer.id, customer]));
    return { items: ids.items.flatMap((id) => byId.get(id) ?? []), nextCursor: ids.nextCursor };
  }

  /**
   * Re-evaluates one segment (or every segment) for all customers, stores the memberships,
   * and emits `segment.entered` / `segment.exited` for each change. Returns the changes by key.
   */
  async refresh(key?: string): Promise<Record<string, MembershipChanges>> {
    const segments = key === undefined ? await this.list() : [await this.get(key)];
    const result: Record<string, MembershipChanges> = {};
    for (const segment of segments) {
      const now = this.clock.now();
      const changes = await this.store.segments.refresh(segment, now);
      result[segment.key] = changes;
      for (const customerId of changes.entered) this.emitMembership('segment.entered', segment.key, customerId, now);
      for (const customerId of changes.exited) this.emitMembership('segment.exited', segment.key, customerId, now);
    }
    return result;
  }

  /** Re-evaluates every segment for one customer; returns the keys entered and exited. */
  async refreshCustomer(customerId: string): Promise<MembershipChanges> {
    const id = await this.requireCustomerId(customerId);
    const now = this.clock.now();
    const changes = await this.store.segments.refreshCustomer(id, await this.list(), now);
    for (const segmentKey of changes.entered) this.emitMembership('segment.entered', segmentKey, id, now);
    for (const segmentKey of changes.exited) this.emitMembership('segment.exited', segmentKey, id, now);
    return changes;
  }

  /** Checks a condition without storing it; throws a `ValidationError` naming the bad field. */
  validate(condition: SegmentConditionInput): SegmentCondition {
    return parseInput(SegmentConditionSchema, this.checked(condition, ['condition']), 'condition');
  }

  /**
   * Returns `input` when it is safe to hand to the schema and the storage (well-formed
   * strings, no `__proto__`, NUL only where the storage holds it, bounded nesting: the
   * condition schema recurses), or throws naming the field.
   */
  private checked<T>(input: T, path: string[]): T {
    assertStorable(this.storage, input, path);
    return input;
  }

  private async requireCustomerId(customerId: string): Promise<string> {
    assertId(customerId, 'customerId');
    const id = await this.store.customers.resolveId(customerId);
    if (!id) throw new NotFoundError(CoreErrorCode.CustomerNotFound, 'customer', customerId);
    return id;
  }

  private emitMembership(event: 'segment.entered' | 'segment.exited', segmentKey: string, customerId: string, at: Date): void {
    this.events.emit(event, { tenantId: this.store.tenantId, segmentKey, customerId, at });
  }
}

function sameDefinition(stored: Segment, definition: SegmentDefinition): boolean {
  return (
    stored.name === definition.name &&
    stored.description === definition.description &&
    canonicalJson(stored.condition) === canonicalJson(definition.condition)
  );
}

import type { CustomerRepository, MetricsIncrement } from '../../contracts/storage.js';
import { CoreErrorCode } from '../../errors/codes.js';
import { ConflictError } from '../../errors/error-classes.js';
import type { Customer, CustomerListFilter } from '../../model/customer.js';
import { type Identity, identityKey, sameIdentity } from '../../model/identity.js';
import { applyMetricsDelta, type CustomerMetrics } from '../../model/metrics.js';
import { decodeIdCursor, encodeCursor, type Page } from '../../model/page.js';
import { copy, type MemoryContext, type MemoryState, type StoredCustomer, tenantKey } from './memory-state.js';

/** Customers of one tenant in a memory storage. */
export class MemoryCustomerRepository implements CustomerRepository {
  constructor(private readonly ctx: MemoryContext) {}

  insert(customer: Customer): Promise<void> {
    return this.ctx.exec((state) => {
      for (const identity of customer.identities) this.assertFree(state, identity, customer.id);
      const stored: StoredCustomer = { ...copy(customer), tenantId: this.ctx.tenantId, mergedInto: null };
      state.customers.set(tenantKey(this.ctx.tenantId, customer.id), stored);
      for (const identity of customer.identities) state.identityOwners.set(this.ownerKey(identity), customer.id);
    });
  }

  get(id: string): Promise<Customer | null> {
    return this.ctx.exec((state) => {
      const found = this.live(state, id);
      return found ? toPublic(found) : null;
    });
  }

  getMany(ids: readonly string[]): Promise<Customer[]> {
    return this.ctx.exec((state) =>
      [...new Set(ids)].flatMap((id) => {
        const found = this.live(state, id);
        return found ? [toPublic(found)] : [];
      }),
    );
  }

  lockLive(ids: readonly string[]): Promise<Set<string>> {
    // A memory transaction holds the storage's only lock already: checking is enough.
    return this.ctx.exec((state) => new Set(ids.filter((id) => this.live(state, id) !== undefined)));
  }

  resolveId(id: string): Promise<string | null> {
    return this.ctx.exec((state) => {
      const found = this.own(state, id);
      if (!found) return null;
      return found.mergedInto ?? found.id;
    });
  }

  resolveIds(ids: readonly string[]): Promise<Map<string, string>> {
    return this.ctx.exec((state) => {
      const resolved = new Map<string, string>();
      for (const id of ids) {
        const found = this.own(state, id);
        if (found) resolved.set(id, found.mergedInto ?? found.id);
      }
      return resolved;
    });
  }

  findByIdentity(identity: Identity): Promise<Customer | null> {
    return this.ctx.exec((state) => {
      const ownerId = state.identityOwners.get(this.ownerKey(identity));
      const found = ownerId ? this.live(state, ownerId) : undefined;
      return found ? toPublic(found) : null;
    });
  }

  findOwners(identities: readonly Identity[]): Promise<{ identity: Identity; customerId: string }[]> {
    return this.ctx.exec((state) =>
      identities.flatMap((identity) => {
        const customerId = state.identityOwners.get(this.ownerKey(identity));
        return customerId ? [{ identity: copy(identity), customerId }] : [];
      }),
    );
  }

  update(customer: Customer, expectedVersion: number): Promise<boolean> {
    return this.ctx.exec((state) => {
      const stored = this.live(state, customer.id);
      if (!stored || stored.version !== expectedVersion) return false;
      stored.traits = copy(customer.traits);
      stored.tags = [...customer.tags];
      stored.lifecycleStage = customer.lifecycleStage;
      stored.updatedAt = new Date(customer.updatedAt);
      stored.version = customer.version;
      return true;
    });
  }

  addIdentity(customerId: string, identity: Identity): Promise<void> {
    return this.ctx.exec((state) => {
      const stored = this.live(state, customerId);
      if (!stored) return;
      this.assertFree(state, identity, customerId);
      if (stored.identities.some((existing) => sameIdentity(existing, identity))) return;
      stored.identities.push(copy(identity));
      state.identityOwners.set(this.ownerKey(identity), customerId);
    });
  }

  removeIdentity(customerId: string, identity: Identity): Promise<boolean> {
    return this.ctx.exec((state) => {
      const stored = this.live(state, customerId);
      if (!stored) return false;
      if (!stored.identities.some((existing) => sameIdentity(existing, identity))) return false;
      if (stored.identities.length === 1) throw lastIdentity(customerId, identity);
      stored.identities = stored.identities.filter((existing) => !sameIdentity(existing, identity));
      state.identityOwners.delete(this.ownerKey(identity));
      return true;
    });
  }

  moveIdentities(fromId: string, toId: string): Promise<void> {
    return this.ctx.exec((state) => {
      const from = this.own(state, fromId);
      const to = this.live(state, toId);
      if (!from || !to) return;
      for (const identity of from.identities) {
        if (!to.identities.some((existing) => sameIdentity(existing, identity))) to.identities.push(identity);
        state.identityOwners.set(this.ownerKey(identity), toId);
      }
      from.identities = [];
    });
  }

  applyMetrics(entries: readonly MetricsIncrement[]): Promise<void> {
    return this.ctx.exec((state) => {
      for (const { customerId, delta } of entries) {
        const stored = this.live(state, customerId);
        if (stored) stored.metrics = applyMetricsDelta(stored.metrics, copy(delta));
      }
    });
  }

  replaceMetrics(customerId: string, metrics: CustomerMetrics): Promise<void> {
    return this.ctx.exec((state) => {
      const stored = this.live(state, customerId);
      if (stored) stored.metrics = copy(metrics);
    });
  }

  markMerged(mergedId: string, survivorId: string, at: Date): Promise<void> {
    return this.ctx.exec((state) => {
      for (const stored of state.customers.values()) {
        if (stored.tenantId !== this.ctx.tenantId) continue;
        if (stored.id === mergedId || stored.mergedInto === mergedId) {
          stored.mergedInto = survivorId;
          stored.updatedAt = new Date(at);
        }
      }
    });
  }

  list(filter: CustomerListFilter): Promise<Page<Customer>> {
    return this.ctx.exec((state) => {
      const after = filter.cursor ? decodeIdCursor(filter.cursor).id : '';
      const matching = [...state.customers.values()]
        .filter((customer) => customer.tenantId === this.ctx.tenantId && customer.mergedInto === null)
        .filter((customer) => customer.id > after)
        .filter((customer) => matchesListFilter(customer, filter))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const items = matching.slice(0, filter.limit).map(toPublic);
      const last = items.at(-1);
      const nextCursor = matching.length > filter.limit && last ? encodeCursor({ id: last.id }) : null;
      return { items, nextCursor };
    });
  }

  private own(state: MemoryState, id: string): StoredCustomer | undefined {
    const found = state.customers.get(tenantKey(this.ctx.tenantId, id));
    return found && found.tenantId === this.ctx.tenantId ? found : undefined;
  }

  private live(state: MemoryState, id: string): StoredCustomer | undefined {
    const found = this.own(state, id);
    return found && found.mergedInto === null ? found : undefined;
  }

  private ownerKey(identity: Identity): string {
    return tenantKey(this.ctx.tenantId, identityKey(identity));
  }

  private assertFree(state: MemoryState, identity: Identity, customerId: string): void {
    const owner = state.identityOwners.get(this.ownerKey(identity));
    if (owner !== undefined && owner !== customerId) {
      throw new ConflictError(CoreErrorCode.IdentityTaken, `${identity.type} identity is already used by another customer`, {
        identity,
        ownerId: owner,
      });
    }
  }
}

function lastIdentity(customerId: string, identity: Identity): ConflictError {
  return new ConflictError(
    CoreErrorCode.LastIdentity,
    `the ${identity.type} identity is customer "${customerId}"'s last one; add another before removing it`,
    { customerId, identity },
  );
}

function matchesListFilter(customer: StoredCustomer, filter: CustomerListFilter): boolean {
  if (filter.tag !== undefined && !customer.tags.includes(filter.tag)) return false;
  if (filter.lifecycleStage !== undefined && customer.lifecycleStage !== filter.lifecycleStage) return false;
  if (filter.createdAfter && customer.createdAt <= filter.createdAfter) return false;
  if (filter.createdBefore && customer.createdAt >= filter.createdBefore) return false;
  if (filter.updatedSince && customer.updatedAt < filter.updatedSince) return false;
  return true;
}

function toPublic(stored: StoredCustomer): Customer {
  const { mergedInto: _mergedInto, ...customer } = copy(stored);
  return customer;
}

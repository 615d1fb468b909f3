import {
  ConflictError,
  CoreErrorCode,
  type Customer,
  type CustomerListFilter,
  type CustomerMetrics,
  type Identity,
  type IdentityType,
  type Page,
} from '@rapport/core';
import { type CustomerRepository, compareCodePoints, decodeIdCursor, encodeCursor, type MetricsIncrement } from '@rapport/core/storage';
import type { Kysely } from 'kysely';
import { openedCustomer, openedIdentityValue, storedIdentityValue, storedTraits } from '../encryption/customer-fields.js';
import { type CustomerParts, customerFromRow, customerToRow, metricsToColumns } from '../rows.js';
import type { CustomersTable, RapportDatabase } from '../schema.js';
import { applyMetricIncrements } from './metric-increments.js';
import { removeIdentityUnlessLast } from './remove-identity.js';
import { atomically, chunksFor, guarded, inList, type SqlContext } from './sql-context.js';

/** Customers and identities of one tenant in SQL. */
export class SqlCustomerRepository implements CustomerRepository {
  constructor(private readonly ctx: SqlContext) {}

  insert(customer: Customer): Promise<void> {
    return guarded(this.ctx, 'insert customer', () =>
      atomically(this.ctx, async (db) => {
        try {
          await db
            .insertInto('rapport_customers')
            .values(
              customerToRow(
                { ...customer, tenantId: this.ctx.tenantId, traits: storedTraits(this.ctx, customer.id, customer.traits) },
                this.ctx.dialect,
              ),
            )
            .execute();
        } catch (error) {
          if (this.ctx.dialect.isUniqueViolation(error))
            throw new ConflictError(CoreErrorCode.CustomerExists, `customer "${customer.id}" already exists`, { id: customer.id }, error);
          throw error;
        }
        await this.insertIdentities(db, customer.id, customer.identities, customer.createdAt.getTime());
        await this.writeTags(db, customer.id, customer.tags);
        await this.writeChannels(db, customer.id, customer.metrics.lastSeenByChannel);
      }),
    );
  }

  get(id: string): Promise<Customer | null> {
    return guarded(this.ctx, 'get customer', async () => (await this.load(this.ctx.db, [id]))[0] ?? null);
  }

  getMany(ids: readonly string[]): Promise<Customer[]> {
    return guarded(this.ctx, 'get customers', () => this.load(this.ctx.db, [...new Set(ids)]));
  }

  lockLive(ids: readonly string[]): Promise<Set<string>> {
    return guarded(this.ctx, 'lock customers', async () => {
      // In code-point order, as the `order by id` of each chunk locks them (ids are `collate "C"`).
      const unique = [...new Set(ids)].sort(compareCodePoints);
      const { rowLock } = this.ctx.dialect;
      if (!rowLock && this.ctx.native) {
        const resolved = this.ctx.native.resolveIds(this.ctx.tenantId, unique);
        return new Set(unique.filter((id) => resolved.get(id) === id));
      }
      const live = new Set<string>();
      for (const chunk of chunksFor(unique, 1, this.ctx.dialect)) {
        const query = this.ctx.db
          .selectFrom('rapport_customers')
          .select('id')
          .where('tenant_id', '=', this.ctx.tenantId)
          .where(inList(this.ctx, 'id', chunk))
          .where('merged_into', 'is', null)
          .orderBy('id');
        // Outside a transaction a lock would end with the statement: reading is all it can do.
        const locking = rowLock && this.ctx.inTransaction ? (rowLock === 'for update' ? query.forUpdate() : query.forNoKeyUpdate()) : query;
        for (const row of await locking.execute()) live.add(row.id);
      }
      return live;
    });
  }

  resolveId(id: string): Promise<string | null> {
    return guarded(this.ctx, 'resolve customer id', async () => {
      const row = await this.ctx.db
        .selectFrom('rapport_customers')
        .select(['id', 'merged_into'])
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? (row.merged_into ?? row.id) : null;
    });
  }

  resolveIds(ids: readonly string[]): Promise<Map<string, string>> {
    return guarded(this.ctx, 'resolve customer ids', async () => {
      if (this.ctx.native) return this.ctx.native.resolveIds(this.ctx.tenantId, ids);
      const resolved = new Map<string, string>();
      for (const chunk of chunksFor([...new Set(ids)], 1, this.ctx.dialect)) {
        const rows = await this.ctx.db
          .selectFrom('rapport_customers')
          .select(['id', 'merged_into'])
          .where('tenant_id', '=', this.ctx.tenantId)
          .where(inList(this.ctx, 'id', chunk))
          .execute();
        for (const row of rows) resolved.set(row.id, row.merged_into ?? row.id);
      }
      return resolved;
    });
  }

  findByIdentity(identity: Identity): Promise<Customer | null> {
    return guarded(this.ctx, 'find customer by identity', async () => {
      const row = await this.ctx.db
        .selectFrom('rapport_identities')
        .select('customer_id')
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('value_hash', '=', this.ctx.blindIndex(identity))
        .executeTakeFirst();
      return row ? ((await this.load(this.ctx.db, [row.customer_id]))[0] ?? null) : null;
    });
  }

  findOwners(identities: readonly Identity[]): Promise<{ identity: Identity; customerId: string }[]> {
    return guarded(this.ctx, 'find identity owners', async () => {
      if (identities.length === 0) return [];
      const byHash = new Map(identities.map((identity) => [this.ctx.blindIndex(identity), identity]));
      const owners: { identity: Identity; customerId: string }[] = [];
      for (const hashes of chunksFor([...byHash.keys()], 1, this.ctx.dialect)) {
        const rows = await this.ctx.db
          .selectFrom('rapport_identities')
          .select(['value_hash', 'customer_id'])
          .where('tenant_id', '=', this.ctx.tenantId)
          .where(inList(this.ctx, 'value_hash', hashes))
          .execute();
        for (const row of rows) owners.push({ identity: byHash.get(row.value_hash) as Identity, customerId: row.customer_id });
      }
      return owners;
    });
  }

  update(customer: Customer, expectedVersion: number): Promise<boolean> {
    return guarded(this.ctx, 'update customer', () =>
      atomically(this.ctx, async (db) => {
        const result = await db
          .updateTable('rapport_customers')
          .set({
            traits: this.ctx.dialect.jsonParam(storedTraits(this.ctx, customer.id, customer.traits), 'traits'),
            lifecycle_stage: customer.lifecycleStage,
            updated_at: customer.updatedAt.getTime(),
            version: customer.version,
          })
          .where('tenant_id', '=', this.ctx.tenantId)
          .where('id', '=', customer.id)
          .where('version', '=', expectedVersion)
          .where('merged_into', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await db
          .deleteFrom('rapport_customer_tags')
          .where('tenant_id', '=', this.ctx.tenantId)
          .where('customer_id', '=', customer.id)
          .execute();
        await this.writeTags(db, customer.id, customer.tags);
        return true;
      }),
    );
  }

  addIdentity(customerId: string, identity: Identity): Promise<void> {
    return guarded(this.ctx, 'add identity', () =>
      atomically(this.ctx, async (db) => {
        if (!(await this.isLive(db, customerId))) return;
        const owner = await db
          .selectFrom('rapport_identities')
          .select('customer_id')
          .where('tenant_id', '=', this.ctx.tenantId)
          .where('value_hash', '=', this.ctx.blindIndex(identity))
          .executeTakeFirst();
        if (owner?.customer_id === customerId) return;
        if (owner) throw identityTaken(identity, owner.customer_id);
        await this.insertIdentities(db, customerId, [identity], Date.now());
      }),
    );
  }

  removeIdentity(customerId: string, identity: Identity): Promise<boolean> {
    return guarded(this.ctx, 'remove identity', () =>
      atomically(this.ctx, (db) => removeIdentityUnlessLast(db, this.ctx, customerId, identity)),
    );
  }

  moveIdentities(fromId: string, toId: string): Promise<void> {
    return guarded(this.ctx, 'move identities', async () => {
      if (!(await this.isLive(this.ctx.db, toId))) return;
      await this.ctx.db
        .updateTable('rapport_identities')
        .set({ customer_id: toId })
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('customer_id', '=', fromId)
        .execute();
    });
  }

  applyMetrics(entries: readonly MetricsIncrement[]): Promise<void> {
    return guarded(this.ctx, 'apply metrics', () =>
      atomically(this.ctx, async (db) => {
        if (this.ctx.native) this.ctx.native.applyMetrics(this.ctx.tenantId, entries);
        else await applyMetricIncrements(db, this.ctx, entries);
      }),
    );
  }

  replaceMetrics(customerId: string, metrics: CustomerMetrics): Promise<void> {
    return guarded(this.ctx, 'replace metrics', () =>
      atomically(this.ctx, async (db) => {
        const result = await db
          .updateTable('rapport_customers')
          .set(metricsToColumns(metrics))
          .where('tenant_id', '=', this.ctx.tenantId)
          .where('id', '=', customerId)
          .where('merged_into', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0 && !(await this.isLive(db, customerId))) return;
        await db
          .deleteFrom('rapport_customer_channels')
          .where('tenant_id', '=', this.ctx.tenantId)
          .where('customer_id', '=', customerId)
          .execute();
        await this.writeChannels(db, customerId, metrics.lastSeenByChannel);
      }),
    );
  }

  markMerged(mergedId: string, survivorId: string, at: Date): Promise<void> {
    return guarded(this.ctx, 'mark merged', async () => {
      await this.ctx.db
        .updateTable('rapport_customers')
        .set({ merged_into: survivorId, updated_at: at.getTime() })
        .where('tenant_id', '=', this.ctx.tenantId)
        .where((eb) => eb.or([eb('id', '=', mergedId), eb('merged_into', '=', mergedId)]))
        .execute();
    });
  }

  list(filter: CustomerListFilter): Promise<Page<Customer>> {
    return guarded(this.ctx, 'list customers', async () => {
      let query = this.ctx.db
        .selectFrom('rapport_customers as c')
        .selectAll('c')
        .where('c.tenant_id', '=', this.ctx.tenantId)
        .where('c.merged_into', 'is', null);
      if (filter.cursor) query = query.where('c.id', '>', decodeIdCursor(filter.cursor).id);
      if (filter.tag !== undefined) {
        const tag = filter.tag;
        query = query.where(({ exists, selectFrom }) =>
          exists(
            selectFrom('rapport_customer_tags as t')
              .select('t.tag')
              .whereRef('t.tenant_id', '=', 'c.tenant_id')
              .whereRef('t.customer_id', '=', 'c.id')
              .where('t.tag', '=', tag),
          ),
        );
      }
      if (filter.lifecycleStage !== undefined) query = query.where('c.lifecycle_stage', '=', filter.lifecycleStage);
      if (filter.createdAfter) query = query.where('c.created_at', '>', filter.createdAfter.getTime());
      if (filter.createdBefore) query = query.where('c.created_at', '<', filter.createdBefore.getTime());
      if (filter.updatedSince) query = query.where('c.updated_at', '>=', filter.updatedSince.getTime());
      const rows = await query
        .orderBy('c.id')
        .limit(filter.limit + 1)
        .execute();
      const items = await this.withParts(this.ctx.db, rows.slice(0, filter.limit));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor({ id: last.id }) : null };
    });
  }

  /** Live customers by id, with identities, tags and channel metrics: rows and parts read at once. */
  async load(db: Kysely<RapportDatabase>, ids: readonly string[]): Promise<Customer[]> {
    if (ids.length === 0) return [];
    const customers: Customer[] = [];
    for (const chunk of chunksFor(ids, 1, this.ctx.dialect)) {
      const [rows, parts] = await Promise.all([
        db
          .selectFrom('rapport_customers')
          .selectAll()
          .where('tenant_id', '=', this.ctx.tenantId)
          .where(inList(this.ctx, 'id', chunk))
          .where('merged_into', 'is', null)
          .execute(),
        this.readParts(db, chunk),
      ]);
      for (const row of rows)
        customers.push(openedCustomer(this.ctx, customerFromRow(row, parts.get(row.id) ?? emptyParts(), this.ctx.dialect)));
    }
    return customers;
  }

  private async withParts(db: Kysely<RapportDatabase>, rows: CustomersTable[]): Promise<Customer[]> {
    if (rows.length === 0) return [];
    const parts = await this.readParts(
      db,
      rows.map((row) => row.id),
    );
    return rows.map((row) => openedCustomer(this.ctx, customerFromRow(row, parts.get(row.id) ?? emptyParts(), this.ctx.dialect)));
  }

  /** Identities, tags and channel times of the given customers, by customer id. */
  private async readParts(db: Kysely<RapportDatabase>, ids: readonly string[]): Promise<Map<string, CustomerParts>> {
    const parts = new Map<string, CustomerParts>();
    const entry = (id: string) => {
      let found = parts.get(id);
      if (!found) {
        found = emptyParts();
        parts.set(id, found);
      }
      return found;
    };
    const tenant = this.ctx.tenantId;
    for (const chunk of chunksFor(ids, 1, this.ctx.dialect)) {
      const [identities, tags, channels] = await Promise.all([
        db
          .selectFrom('rapport_identities')
          .select(['customer_id', 'type', 'namespace', 'value', 'value_hash'])
          .where('tenant_id', '=', tenant)
          .where(inList(this.ctx, 'customer_id', chunk))
          .orderBy('created_at')
          .orderBy('value_hash')
          .execute(),
        db
          .selectFrom('rapport_customer_tags')
          .select(['customer_id', 'tag'])
          .where('tenant_id', '=', tenant)
          .where(inList(this.ctx, 'customer_id', chunk))
          .orderBy('tag')
          .execute(),
        db
          .selectFrom('rapport_customer_channels')
          .select(['customer_id', 'channel', 'last_seen_at'])
          .where('tenant_id', '=', tenant)
          .where(inList(this.ctx, 'customer_id', chunk))
          .execute(),
      ]);
      for (const row of identities)
        entry(row.customer_id).identities.push({
          type: row.type as IdentityType,
          namespace: row.namespace,
          value: openedIdentityValue(this.ctx, row.value_hash, row.value),
        });
      for (const row of tags) entry(row.customer_id).tags.push(row.tag);
      for (const row of channels) entry(row.customer_id).channels[row.channel] = new Date(Number(row.last_seen_at));
    }
    return parts;
  }

  private async isLive(db: Kysely<RapportDatabase>, customerId: string): Promise<boolean> {
    const row = await db
      .selectFrom('rapport_customers')
      .select('id')
      .where('tenant_id', '=', this.ctx.tenantId)
      .where('id', '=', customerId)
      .where('merged_into', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  private async insertIdentities(
    db: Kysely<RapportDatabase>,
    customerId: string,
    identities: readonly Identity[],
    at: number,
  ): Promise<void> {
    if (identities.length === 0) return;
    const rows = identities.map((identity) => {
      const valueHash = this.ctx.blindIndex(identity);
      return {
        tenant_id: this.ctx.tenantId,
        value_hash: valueHash,
        customer_id: customerId,
        type: identity.type,
        namespace: identity.namespace,
        value: storedIdentityValue(this.ctx, valueHash, identity.value),
        created_at: at,
      };
    });
    try {
      await db.insertInto('rapport_identities').values(rows).execute();
    } catch (error) {
      if (this.ctx.dialect.isUniqueViolation(error)) throw identityTaken(identities[0] as Identity, null, error);
      throw error;
    }
  }

  private async writeTags(db: Kysely<RapportDatabase>, customerId: string, tags: readonly string[]): Promise<void> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return;
    await db
      .insertInto('rapport_customer_tags')
      .values(unique.map((tag) => ({ tenant_id: this.ctx.tenantId, customer_id: customerId, tag })))
      .execute();
  }

  private async writeChannels(db: Kysely<RapportDatabase>, customerId: string, channels: Record<string, Date>): Promise<void> {
    const entries = Object.entries(channels);
    if (entries.length === 0) return;
    await db
      .insertInto('rapport_customer_channels')
      .values(
        entries.map(([channel, at]) => ({ tenant_id: this.ctx.tenantId, customer_id: customerId, channel, last_seen_at: at.getTime() })),
      )
      .execute();
  }
}

function identityTaken(identity: Identity, ownerId: string | null, cause?: unknown): ConflictError {
  return new ConflictError(
    CoreErrorCode.IdentityTaken,
    `${identity.type} identity is already used by another customer`,
    { identity, ownerId },
    cause,
  );
}

function emptyParts(): CustomerParts {
  return { identities: [], tags: [], channels: {} };
}

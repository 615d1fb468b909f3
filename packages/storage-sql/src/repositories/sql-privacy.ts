import type { Customer } from '@rapport/core';
import { ANONYMIZED_SOURCE, type CoreErasureCounts, type ErasureMode, type PersonalDataRepository } from '@rapport/core/storage';
import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { openedCustomer } from '../encryption/customer-fields.js';
import { customerFromRow } from '../rows.js';
import type { RapportDatabase } from '../schema.js';
import { chunksFor, guarded, inList, type SqlContext } from './sql-context.js';

/** A JSON object `{ name: value }` built in SQL, of the type the dialect stores JSON in. */
function jsonObject(dialect: SqlDialect, name: string, value: Expression<unknown>): RawBuilder<unknown> {
  return dialect.name === 'postgres' ? sql`jsonb_build_object(${name}::text, ${value})` : sql`json_object(${name}, ${value})`;
}

/**
 * What anonymisation writes into an interaction: the number at `amountProperty` (so metrics
 * and revenue aggregates stay) and nothing else of the payload, no source, no idempotency key.
 */
function scrubbedColumns(dialect: SqlDialect, amountProperty: string) {
  const properties = sql.ref('properties');
  return {
    properties: sql`case when ${dialect.jsonIs(properties, [amountProperty], 'number')} then ${jsonObject(
      dialect,
      amountProperty,
      dialect.jsonNumber(properties, [amountProperty]),
    )} else ${dialect.jsonParam({})} end`,
    source: ANONYMIZED_SOURCE,
    idempotency_key: null,
  };
}

/** The SQL storages' personal-data repository (see `PersonalDataRepository`). */
export class SqlPersonalDataRepository implements PersonalDataRepository {
  constructor(private readonly ctx: SqlContext) {}

  private get db(): Kysely<RapportDatabase> {
    return this.ctx.db;
  }

  mergedAway(customerId: string): Promise<string[]> {
    return guarded(this.ctx, 'find merged-away customers', async () => {
      const rows = await this.db
        .selectFrom('rapport_customers')
        .select('id')
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('merged_into', '=', customerId)
        .orderBy('id')
        .execute();
      return rows.map((row) => row.id);
    });
  }

  mergedRecords(ids: readonly string[]): Promise<Customer[]> {
    return guarded(this.ctx, 'read merged-away customers', async () => {
      const customers: Customer[] = [];
      for (const chunk of chunksFor(ids, 1, this.ctx.dialect)) {
        const tenant = this.ctx.tenantId;
        const [rows, tags, channels] = await Promise.all([
          this.db
            .selectFrom('rapport_customers')
            .selectAll()
            .where('tenant_id', '=', tenant)
            .where(inList(this.ctx, 'id', chunk))
            .where('merged_into', 'is not', null)
            .orderBy('id')
            .execute(),
          this.db
            .selectFrom('rapport_customer_tags')
            .select(['customer_id', 'tag'])
            .where('tenant_id', '=', tenant)
            .where(inList(this.ctx, 'customer_id', chunk))
            .orderBy('tag')
            .execute(),
          this.db
            .selectFrom('rapport_customer_channels')
            .select(['customer_id', 'channel', 'last_seen_at'])
            .where('tenant_id', '=', tenant)
            .where(inList(this.ctx, 'customer_id', chunk))
            .execute(),
        ]);
        for (const row of rows) {
          const channelTimes = Object.fromEntries(
            channels.filter((entry) => entry.customer_id === row.id).map((entry) => [entry.channel, new Date(Number(entry.last_seen_at))]),
          );
          const tagList = tags.filter((entry) => entry.customer_id === row.id).map((entry) => entry.tag);
          // Personal traits of an encrypting storage are decrypted like every other read of a customer.
          customers.push(
            openedCustomer(this.ctx, customerFromRow(row, { identities: [], tags: tagList, channels: channelTimes }, this.ctx.dialect)),
          );
        }
      }
      return customers;
    });
  }

  erase(ids: readonly string[], mode: ErasureMode, options: { amountProperty: string; now: Date }): Promise<CoreErasureCounts> {
    return guarded(this.ctx, 'erase customers', async () => {
      const counts: CoreErasureCounts = { customers: 0, identities: 0, interactions: 0, consents: 0, memberships: 0 };
      const tenant = this.ctx.tenantId;
      for (const chunk of chunksFor(ids, 1, this.ctx.dialect)) {
        const byCustomer = inList(this.ctx, 'customer_id', chunk);
        const deleted = async (table: 'rapport_segment_members' | 'rapport_consents' | 'rapport_identities' | 'rapport_customer_tags') =>
          Number((await this.db.deleteFrom(table).where('tenant_id', '=', tenant).where(byCustomer).executeTakeFirst()).numDeletedRows);
        counts.memberships += await deleted('rapport_segment_members');
        counts.consents += await deleted('rapport_consents');
        counts.identities += await deleted('rapport_identities');
        await deleted('rapport_customer_tags');
        if (mode === 'delete') {
          counts.interactions += Number(
            (await this.db.deleteFrom('rapport_interactions').where('tenant_id', '=', tenant).where(byCustomer).executeTakeFirst())
              .numDeletedRows,
          );
          await this.db.deleteFrom('rapport_customer_channels').where('tenant_id', '=', tenant).where(byCustomer).execute();
          counts.customers += Number(
            (
              await this.db
                .deleteFrom('rapport_customers')
                .where('tenant_id', '=', tenant)
                .where(inList(this.ctx, 'id', chunk))
                .executeTakeFirst()
            ).numDeletedRows,
          );
        } else {
          counts.interactions += Number(
            (
              await this.db
                .updateTable('rapport_interactions')
                .set(scrubbedColumns(this.ctx.dialect, options.amountProperty) as never)
                .where('tenant_id', '=', tenant)
                .where(byCustomer)
                .executeTakeFirst()
            ).numUpdatedRows,
          );
          counts.customers += Number(
            (
              await this.db
                .updateTable('rapport_customers')
                .set({
                  traits: this.ctx.dialect.jsonParam({}) as never,
                  updated_at: options.now.getTime(),
                  version: sql<number>`version + 1`,
                })
                .where('tenant_id', '=', tenant)
                .where(inList(this.ctx, 'id', chunk))
                .executeTakeFirst()
            ).numUpdatedRows,
          );
        }
      }
      return counts;
    });
  }

  retainInteractions(before: Date, mode: ErasureMode, options: { amountProperty: string; limit: number }): Promise<number> {
    return guarded(this.ctx, 'apply interaction retention', async () => {
      let query = this.db
        .selectFrom('rapport_interactions')
        .select('id')
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('occurred_at', '<', before.getTime());
      if (mode === 'anonymize') query = query.where((eb) => eb.or([eb('source', 'is', null), eb('source', '<>', ANONYMIZED_SOURCE)]));
      const ids = (await query.orderBy('occurred_at').orderBy('id').limit(options.limit).execute()).map((row) => row.id);
      let changed = 0;
      for (const chunk of chunksFor(ids, 1, this.ctx.dialect)) {
        const base = inList(this.ctx, 'id', chunk);
        const result =
          mode === 'delete'
            ? await this.db.deleteFrom('rapport_interactions').where('tenant_id', '=', this.ctx.tenantId).where(base).executeTakeFirst()
            : await this.db
                .updateTable('rapport_interactions')
                .set(scrubbedColumns(this.ctx.dialect, options.amountProperty) as never)
                .where('tenant_id', '=', this.ctx.tenantId)
                .where(base)
                .executeTakeFirst();
        changed += Number('numDeletedRows' in result ? result.numDeletedRows : result.numUpdatedRows);
      }
      return changed;
    });
  }

  inactiveCustomers(before: Date, options: { limit: number; afterId?: string | undefined }): Promise<string[]> {
    return guarded(this.ctx, 'find inactive customers', async () => {
      let query = this.db
        .selectFrom('rapport_customers as c')
        .select('c.id')
        .where('c.tenant_id', '=', this.ctx.tenantId)
        .where('c.merged_into', 'is', null)
        .where(sql<boolean>`coalesce(c.last_seen_at, c.created_at) < ${before.getTime()}`)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('rapport_identities as i')
              .select('i.customer_id')
              .whereRef('i.tenant_id', '=', 'c.tenant_id')
              .whereRef('i.customer_id', '=', 'c.id'),
          ),
        );
      if (options.afterId !== undefined) query = query.where('c.id', '>', options.afterId);
      return (await query.orderBy('c.id').limit(options.limit).execute()).map((row) => row.id);
    });
  }
}

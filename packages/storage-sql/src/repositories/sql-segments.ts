import { ConflictError, CoreErrorCode, type Page, type Segment, type SegmentCondition } from '@rapport/core';
import { decodeIdCursor, encodeCursor, type MembershipChanges, type SegmentRepository } from '@rapport/core/storage';
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { assertQueryable } from '../encryption/queryable-condition.js';
import { segmentFromRow } from '../rows.js';
import type { RapportDatabase } from '../schema.js';
import { compileCheckedCondition } from '../segments/compile-condition.js';
import { atomically, chunksFor, guarded, inList, type SqlContext } from './sql-context.js';

/** Segments of one tenant in SQL: every evaluation is one query in the database. */
export class SqlSegmentRepository implements SegmentRepository {
  constructor(private readonly ctx: SqlContext) {}

  insert(segment: Segment): Promise<void> {
    return guarded(this.ctx, 'insert segment', async () => {
      assertQueryable(segment.condition, this.ctx.encryption);
      try {
        await this.ctx.db
          .insertInto('rapport_segments')
          .values({
            tenant_id: this.ctx.tenantId,
            segment_key: segment.key,
            id: segment.id,
            name: segment.name,
            description: segment.description,
            definition: this.ctx.dialect.jsonParam(segment.condition),
            created_at: segment.createdAt.getTime(),
            updated_at: segment.updatedAt.getTime(),
          })
          .execute();
      } catch (error) {
        if (this.ctx.dialect.isUniqueViolation(error))
          throw new ConflictError(CoreErrorCode.SegmentExists, `segment "${segment.key}" already exists`, { key: segment.key }, error);
        throw error;
      }
    });
  }

  update(segment: Segment): Promise<void> {
    return guarded(this.ctx, 'update segment', async () => {
      assertQueryable(segment.condition, this.ctx.encryption);
      await this.ctx.db
        .updateTable('rapport_segments')
        .set({
          name: segment.name,
          description: segment.description,
          definition: this.ctx.dialect.jsonParam(segment.condition),
          updated_at: segment.updatedAt.getTime(),
        })
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('segment_key', '=', segment.key)
        .execute();
    });
  }

  get(key: string): Promise<Segment | null> {
    return guarded(this.ctx, 'get segment', async () => {
      const row = await this.ctx.db
        .selectFrom('rapport_segments')
        .selectAll()
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('segment_key', '=', key)
        .executeTakeFirst();
      return row ? segmentFromRow(row, this.ctx.dialect) : null;
    });
  }

  list(): Promise<Segment[]> {
    return guarded(this.ctx, 'list segments', async () => {
      const rows = await this.ctx.db
        .selectFrom('rapport_segments')
        .selectAll()
        .where('tenant_id', '=', this.ctx.tenantId)
        .orderBy('segment_key')
        .execute();
      return rows.map((row) => segmentFromRow(row, this.ctx.dialect));
    });
  }

  remove(key: string): Promise<boolean> {
    return guarded(this.ctx, 'remove segment', async () => {
      const result = await this.ctx.db
        .deleteFrom('rapport_segments')
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('segment_key', '=', key)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  count(condition: SegmentCondition, now: Date): Promise<number> {
    return guarded(this.ctx, 'count segment', async () => {
      const row = await this.matching(this.ctx.db, condition, now)
        .select((eb) => eb.fn.countAll().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    });
  }

  members(condition: SegmentCondition, now: Date, page: { limit: number; cursor?: string | undefined }): Promise<Page<string>> {
    return guarded(this.ctx, 'list segment members', async () => {
      let query = this.matching(this.ctx.db, condition, now).select('c.id');
      if (page.cursor) query = query.where('c.id', '>', decodeIdCursor(page.cursor).id);
      const rows = await query
        .orderBy('c.id')
        .limit(page.limit + 1)
        .execute();
      const items = rows.slice(0, page.limit).map((row) => row.id);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > page.limit && last ? encodeCursor({ id: last }) : null };
    });
  }

  matches(customerId: string, condition: SegmentCondition, now: Date): Promise<boolean> {
    return guarded(this.ctx, 'evaluate segment', async () => {
      const row = await this.matching(this.ctx.db, condition, now).select('c.id').where('c.id', '=', customerId).executeTakeFirst();
      return row !== undefined;
    });
  }

  refresh(segment: Segment, now: Date): Promise<MembershipChanges> {
    return guarded(this.ctx, 'refresh segment', () =>
      atomically(this.ctx, async (db) => {
        if (!(await this.exists(db, segment.key))) return { entered: [], exited: [] };
        const predicate = this.compile(segment.condition, now);
        const entered = (
          await this.matchingWith(db, predicate)
            .select('c.id')
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('rapport_segment_members as m')
                    .select('m.customer_id')
                    .whereRef('m.tenant_id', '=', 'c.tenant_id')
                    .where('m.segment_key', '=', segment.key)
                    .whereRef('m.customer_id', '=', 'c.id'),
                ),
              ),
            )
            .orderBy('c.id')
            .execute()
        ).map((row) => row.id);
        const exited = (
          await db
            .selectFrom('rapport_segment_members as m')
            .select('m.customer_id')
            .where('m.tenant_id', '=', this.ctx.tenantId)
            .where('m.segment_key', '=', segment.key)
            .where(({ not, exists }) =>
              not(exists(this.matchingWith(db, predicate).select('c.id').where(sql<SqlBool>`c.id = m.customer_id`))),
            )
            .orderBy('m.customer_id')
            .execute()
        ).map((row) => row.customer_id);
        await this.addMembers(db, segment.key, entered, now);
        await this.removeMembers(db, segment.key, exited);
        return { entered, exited };
      }),
    );
  }

  refreshCustomer(customerId: string, segments: readonly Segment[], now: Date): Promise<MembershipChanges> {
    return guarded(this.ctx, 'refresh customer segments', () =>
      atomically(this.ctx, async (db) => {
        const changes: MembershipChanges = { entered: [], exited: [] };
        const current = new Set(
          (
            await db
              .selectFrom('rapport_segment_members')
              .select('segment_key')
              .where('tenant_id', '=', this.ctx.tenantId)
              .where('customer_id', '=', customerId)
              .execute()
          ).map((row) => row.segment_key),
        );
        const stored = new Set(
          (await db.selectFrom('rapport_segments').select('segment_key').where('tenant_id', '=', this.ctx.tenantId).execute()).map(
            (row) => row.segment_key,
          ),
        );
        for (const segment of segments) {
          if (!stored.has(segment.key)) continue;
          const isMember =
            (await this.matching(db, segment.condition, now).select('c.id').where('c.id', '=', customerId).executeTakeFirst()) !==
            undefined;
          if (isMember && !current.has(segment.key)) {
            await this.addMembers(db, segment.key, [customerId], now);
            changes.entered.push(segment.key);
          } else if (!isMember && current.has(segment.key)) {
            await this.removeMembers(db, segment.key, [customerId]);
            changes.exited.push(segment.key);
          }
        }
        return changes;
      }),
    );
  }

  membershipsOf(customerId: string): Promise<{ segmentKey: string; enteredAt: Date }[]> {
    return guarded(this.ctx, 'read memberships', async () => {
      const rows = await this.ctx.db
        .selectFrom('rapport_segment_members')
        .select(['segment_key', 'entered_at'])
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('customer_id', '=', customerId)
        .orderBy('segment_key')
        .execute();
      return rows.map((row) => ({ segmentKey: row.segment_key, enteredAt: new Date(Number(row.entered_at)) }));
    });
  }

  clearMemberships(customerId: string): Promise<void> {
    return guarded(this.ctx, 'clear memberships', async () => {
      await this.ctx.db
        .deleteFrom('rapport_segment_members')
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('customer_id', '=', customerId)
        .execute();
    });
  }

  /** Live customers of this tenant matching `condition`: the base of every segment query. */
  private matching(db: Kysely<RapportDatabase>, condition: SegmentCondition, now: Date) {
    return this.matchingWith(db, this.compile(condition, now));
  }

  private compile(condition: SegmentCondition, now: Date): RawBuilder<SqlBool> {
    assertQueryable(condition, this.ctx.encryption);
    return compileCheckedCondition(condition, { dialect: this.ctx.dialect, now });
  }

  private matchingWith(db: Kysely<RapportDatabase>, predicate: RawBuilder<SqlBool>) {
    return db
      .selectFrom('rapport_customers as c')
      .where('c.tenant_id', '=', this.ctx.tenantId)
      .where('c.merged_into', 'is', null)
      .where(predicate);
  }

  private async addMembers(db: Kysely<RapportDatabase>, segmentKey: string, customerIds: readonly string[], now: Date): Promise<void> {
    for (const chunk of chunksFor(customerIds, 4, this.ctx.dialect, 2000)) {
      await db
        .insertInto('rapport_segment_members')
        .values(
          chunk.map((customerId) => ({
            tenant_id: this.ctx.tenantId,
            segment_key: segmentKey,
            customer_id: customerId,
            entered_at: now.getTime(),
          })),
        )
        .execute();
    }
  }

  private async removeMembers(db: Kysely<RapportDatabase>, segmentKey: string, customerIds: readonly string[]): Promise<void> {
    for (const chunk of chunksFor(customerIds, 1, this.ctx.dialect, 2000)) {
      await db
        .deleteFrom('rapport_segment_members')
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('segment_key', '=', segmentKey)
        .where(inList(this.ctx, 'customer_id', chunk))
        .execute();
    }
  }

  private async exists(db: Kysely<RapportDatabase>, key: string): Promise<boolean> {
    const row = await db
      .selectFrom('rapport_segments')
      .select('segment_key')
      .where('tenant_id', '=', this.ctx.tenantId)
      .where('segment_key', '=', key)
      .executeTakeFirst();
    return row !== undefined;
  }
}

import { type ConformanceContext, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { feedbackTable } from '../../src/index.js';
import { interner, readFeedback, readFeedbackPaged } from '../../src/plugin/feedback-log.js';
import { feedbackSql, readFeedbackSql } from '../../src/plugin/feedback-sql-read.js';
import { recommendCrm } from './recommend-fixtures.js';

/** Training's feedback read: the SQL fast path gives exactly the events the generic paged read gives. */
export const feedbackReadSuite = defineStorageSuite({
  name: '@rapport/recommend feedback read',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: the recommend feedback read`, () => {
      it('reads every row once, decoded as the table API decodes it, across page boundaries', async () => {
        const crm = await recommendCrm(ctx.storage());
        const store = crm.storage.forTenant(crm.tenantId);
        const rows = Array.from({ length: 2_345 }, (_, n) => ({
          id: `f${String(n).padStart(5, '0')}${n % 3 === 0 ? 'A' : 'b'}`,
          customerId: `c${n % 97}`,
          itemId: `i${(n * 7) % 131}`,
          type: ['purchase', 'add_to_cart', 'page_view'][n % 3] as string,
          weight: [3, 2, 0.5][n % 3] as number,
          occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 61_000 + (n % 1000)),
          basketId: n % 4 === 0 ? null : `b${n % 50}`,
          storeId: n % 5 === 0 ? null : `s${n % 6}`,
          recordedAt: new Date(Date.UTC(2026, 5, 1) + n),
        }));
        for (let at = 0; at < rows.length; at += 500) await store.table(feedbackTable).insertMany(rows.slice(at, at + 500));
        const generic = await readFeedbackPaged(store);
        expect(generic).toHaveLength(rows.length);
        const handle = await feedbackSql(store);
        if (ctx.name === 'memory') {
          expect(handle).toBeNull();
        } else {
          expect(handle).not.toBeNull();
          const sorted = (events: typeof generic) =>
            [...events].sort((a, b) => a.at - b.at || (a.customerId < b.customerId ? -1 : 1) || (a.itemId < b.itemId ? -1 : 1));
          // Pages of 1,000 (three pages, the last short), of exactly the row count, and of one.
          for (const pageSize of [1_000, rows.length, 20_000]) {
            expect(sorted(await readFeedbackSql(handle as NonNullable<typeof handle>, interner(), pageSize))).toEqual(sorted(generic));
          }
        }
        expect(await readFeedback(store)).toHaveLength(rows.length);
        // A replay (since a time) reads only the later rows, in recording order.
        const since = rows[2_000]?.recordedAt.getTime() as number;
        const replay = await readFeedback(store, since);
        expect(replay.map((event) => event.at)).toEqual(rows.slice(2_000).map((row) => row.occurredAt.getTime()));
        await crm.close();
      });
    }),
});

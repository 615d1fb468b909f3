import type { RecommendationResult } from '@rapport/core';
import { isRapportError, type ValidationError } from '@rapport/core';
import { type ConformanceContext, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Recommendations, type RecommenderName, recommendationsForTemplate } from '../../src/index.js';
import { buy, normalised, recommendCrm, SHOP, shopper } from './recommend-fixtures.js';

const ids = (result: RecommendationResult) => result.items.map((item) => item.itemId);

/** The recommend plugin on one storage: catalogue, training job, serving, restart, retrain, live counts, consent. */
export const recommendSuite = defineStorageSuite({
  name: '@rapport/recommend',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: the recommend plugin`, () => {
      /** Tea buyers and garden buyers, each with personalisation granted. */
      const seeded = async (options: Parameters<typeof recommendCrm>[1] = {}) => {
        const crm = await recommendCrm(ctx.storage(), options);
        await crm.recommendations.upsertItems(SHOP);
        const people: Record<string, string> = {};
        const orders: [string, string[]][] = [
          ['ann', ['teapot', 'cups']],
          ['bob', ['teapot', 'cups', 'tea']],
          ['cat', ['teapot', 'tea']],
          ['dan', ['spade', 'gloves']],
          ['eve', ['spade', 'gloves', 'seeds']],
          ['fay', ['teapot']],
        ];
        for (const [name, items] of orders) {
          people[name] = await shopper(crm, name);
          await crm.consent.grant({ customerId: people[name] as string, purpose: 'personalisation', source: 'test' });
          await buy(crm, people[name] as string, items, name);
        }
        return { crm, people };
      };

      it('keeps the good rows of a catalogue batch and rejects each bad one naming the row and the field', async () => {
        const crm = await recommendCrm(ctx.storage());
        expectTypeOf(crm.recommendations).toEqualTypeOf<Recommendations>();
        expectTypeOf(crm.recommendations.forCustomer)
          .parameter(1)
          .toHaveProperty('recommender')
          .toEqualTypeOf<RecommenderName | undefined>();
        const result = await crm.recommendations.upsertItems([
          SHOP[0],
          { ...SHOP[1], price: -1 },
          { ...SHOP[2], categoryPath: ['grocery', ''] },
          SHOP[3],
          { id: 'nothing' },
        ]);
        expect(result.upserted).toBe(2);
        expect(result.rejected.map((row) => [row.index, row.id])).toEqual([
          [1, 'cups'],
          [2, 'tea'],
          [4, 'nothing'],
        ]);
        expect(result.rejected[0]?.issues.map((issue) => issue.path)).toEqual([['items', 1, 'price']]);
        expect(result.rejected[1]?.issues.map((issue) => issue.path)).toEqual([['items', 2, 'categoryPath', 1]]);
        expect(await crm.recommendations.getItem('cups')).toBeNull();
        expect(await crm.recommendations.getItem('teapot')).toMatchObject({ title: 'Teapot', price: 30, availability: 'in_stock' });
        const page = await crm.recommendations.listItems({ limit: 10 });
        expect(page.items.map((item) => item.id)).toEqual(['spade', 'teapot']);
        const csv = 'id,title,category,price,colour\nmug,Mug,home/tea,8.5,blue\nbad,Bad,home,abc,red\nfree,Free,,0,\n';
        const imported = await crm.recommendations.importItems(csv);
        expect(imported.upserted).toBe(1);
        expect(imported.rejected.map((row) => [row.id, row.issues.map((issue) => issue.path.join('.'))])).toEqual([
          ['bad', ['items.1.price']],
          ['free', ['items.2.categoryPath.0']],
        ]);
        expect(await crm.recommendations.getItem('mug')).toMatchObject({
          categoryPath: ['home', 'tea'],
          price: 8.5,
          attributes: { colour: 'blue' },
        });
        await crm.close();
      });

      it('trains as a job, then serves personal results with reasons, similar items and baskets', async () => {
        const { crm, people } = await seeded();
        const { jobId } = await crm.recommendations.train();
        expect(await crm.workers().drain()).toBe(1);
        expect((await crm.jobs.get(jobId))?.status).toBe('succeeded');
        const trained = crm.recordedOf('recommend.trained');
        expectTypeOf(trained[0]?.version).toEqualTypeOf<number | undefined>();
        expect(trained.map((event) => [event.version, event.eventCount])).toEqual([[1, 13]]);
        const forFay = await crm.recommendations.forCustomer(people.fay as string, { k: 2 });
        expect(forFay.personalised).toBe(true);
        expect(forFay.strategy).toBe('personal');
        expect(ids(forFay)).toEqual(['cups', 'tea']);
        expect(forFay.items[0]?.reason).toBe('because you liked Teapot');
        const similar = await crm.recommendations.similarItems('spade', { k: 2 });
        expect(ids(similar)).toEqual(['gloves', 'seeds']);
        const together = await crm.recommendations.frequentlyBoughtTogether(['teapot'], { k: 1 });
        expect(together.items[0]).toMatchObject({ itemId: 'cups', reason: 'bought with Teapot' });
        const popular = await crm.recommendations.forCustomer(people.fay as string, { k: 2, recommender: 'popularity' });
        expect(popular.personalised).toBe(false);
        expect(ids(popular)).toEqual(['cups', 'gloves']); // ties of 6 points by id; her teapot left out
        await crm.close();
      });

      it('serves the same recommendations from a new Crm on the same database (a restart)', async () => {
        const { crm, people } = await seeded();
        await crm.recommendations.trainNow();
        const before = await crm.recommendations.forCustomer(people.ann as string, { k: 3 });
        await crm.close();
        const again = await recommendCrm(ctx.storage(), {}, crm.tenantId);
        expect((await again.recommendations.modelInfo()).version).toBe(1);
        expect(await again.recommendations.forCustomer(people.ann as string, { k: 3 })).toEqual(before);
        await again.close();
      });

      it('never serves a half-built model: readers during retrains see complete versions only (10 rounds)', async () => {
        const { crm, people } = await seeded({ chunkSize: 100 });
        const reader = await recommendCrm(ctx.storage(), { chunkSize: 100 }, crm.tenantId);
        const trained = new Map<number, number>();
        const seen: { version: number | null; eventCount: number }[] = [];
        for (let round = 0; round < 10; round++) {
          await buy(crm, people.dan as string, [`extra-${round}`, 'teapot'], `round-${round}`);
          const reads = (async () => {
            for (let n = 0; n < 4; n++) {
              await reader.recommendations.refresh();
              const info = await reader.recommendations.modelInfo();
              seen.push({ version: info.version, eventCount: info.eventCount });
              const result = await reader.recommendations.forCustomer(people.fay as string, { k: 3 });
              expect(result.items.length).toBe(3);
            }
          })();
          const [result] = await Promise.all([crm.recommendations.trainNow(), reads]);
          trained.set(result.version, result.eventCount);
        }
        expect(seen.length).toBe(40);
        for (const read of seen) if (read.version !== null) expect(read.eventCount).toBe(trained.get(read.version));
        await reader.recommendations.refresh();
        expect((await reader.recommendations.modelInfo()).version).toBe(10);
        await reader.close();
        await crm.close();
      });

      it('keeps live item-kNN counts equal to a full retrain after concurrent records, here and in another Crm (20 rounds)', async () => {
        const crm = await recommendCrm(ctx.storage());
        const other = await recommendCrm(ctx.storage(), {}, crm.tenantId);
        await other.recommendations.modelInfo(); // loaded before anything is recorded
        const customers = await Promise.all(Array.from({ length: 6 }, (_, n) => shopper(crm, `c${n}`)));
        const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
        for (let round = 0; round < 20; round++) {
          await Promise.all(
            Array.from({ length: 8 }, (_, n) => {
              const customer = customers[(round * 3 + n) % customers.length] as string;
              const picked = [items[(round + n) % 8] as string, items[(round * n + 1) % 8] as string];
              return buy(crm, customer, picked, `${round}-${n}`);
            }),
          );
        }
        const live = normalised((await crm.recommendations.modelInfo()).itemKnn);
        await other.recommendations.refresh();
        const replayed = normalised((await other.recommendations.modelInfo()).itemKnn);
        await crm.recommendations.trainNow();
        const retrained = normalised((await crm.recommendations.modelInfo()).itemKnn);
        expect(retrained.pairs.length).toBeGreaterThan(10);
        expect(live).toEqual(retrained);
        expect(replayed).toEqual(retrained);
        await other.close();
        await crm.close();
      });

      it('picks up catalogue changes another Crm made on refresh: an item gone out of stock is no longer shown', async () => {
        const { crm, people } = await seeded();
        await crm.recommendations.trainNow();
        const other = await recommendCrm(ctx.storage(), {}, crm.tenantId);
        expect(ids(await other.recommendations.forCustomer(people.fay as string, { k: 2 }))).toEqual(['cups', 'tea']);
        const cups = SHOP[1] as (typeof SHOP)[number];
        await crm.recommendations.upsertItems([{ ...cups, availability: 'out_of_stock' }]);
        expect(ids(await crm.recommendations.forCustomer(people.fay as string, { k: 2 }))).toEqual(['tea', 'gloves']);
        await other.recommendations.refresh();
        expect(ids(await other.recommendations.forCustomer(people.fay as string, { k: 2 }))).toEqual(['tea', 'gloves']);
        await other.close();
        await crm.close();
      });

      it('serves popularity, saying why, without consent, to unknown customers, and ignores unknown context items', async () => {
        const { crm, people } = await seeded();
        await crm.recommendations.trainNow();
        await crm.consent.withdraw({ customerId: people.fay as string, purpose: 'personalisation', source: 'test' });
        const noConsent = await crm.recommendations.forCustomer(people.fay as string, { k: 3 });
        expect(noConsent.personalised).toBe(false);
        expect(noConsent.notices[0]?.code).toBe('RECOMMEND_NO_CONSENT');
        expect(ids(noConsent)).toEqual(['teapot', 'cups', 'gloves']); // popularity: her own purchases are not read
        const stranger = await crm.recommendations.forCustomer('no-such-customer', { k: 2, context: { itemId: 'ghost' } });
        expect(stranger.personalised).toBe(false);
        expect(stranger.notices.map((notice) => notice.code)).toEqual(['RECOMMEND_UNKNOWN_ITEM', 'RECOMMEND_UNKNOWN_CUSTOMER']);
        expect(stranger.notices[0]?.ids).toEqual(['ghost']);
        expect(ids(stranger)).toEqual(['teapot', 'cups']);
        for (const k of [0, 1001, 2.5]) {
          const error = (await crm.recommendations.forCustomer(people.ann as string, { k }).catch((e: unknown) => e)) as ValidationError;
          expect(isRapportError(error, 'RECOMMEND_INVALID_OPTIONS')).toBe(true);
          expect(error.issues[0]?.path).toEqual(['options', 'k']);
        }
        await crm.close();
      });

      it('decides consent for a merged-away id by its survivor: the survivor’s withdrawal stops personalisation', async () => {
        const { crm, people } = await seeded();
        await crm.recommendations.trainNow();
        const ann = people.ann as string;
        expect((await crm.recommendations.forCustomer(ann, { k: 2 })).personalised).toBe(true);
        const hal = await shopper(crm, 'hal');
        await crm.consent.withdraw({ customerId: hal, purpose: 'personalisation', source: 'test' });
        await crm.customers.merge(hal, ann);
        // Ann's grant moved to Hal, whose later withdrawal decides; Ann's id is no longer live.
        const merged = await crm.recommendations.forCustomer(ann, { k: 2 });
        expect(merged.personalised).toBe(false);
        expect(merged.notices[0]?.code).toBe('RECOMMEND_NO_CONSENT');
        await crm.consent.grant({ customerId: hal, purpose: 'personalisation', source: 'test' });
        expect((await crm.recommendations.forCustomer(ann, { k: 2 })).personalised).toBe(true);
        await crm.close();
      });

      it('adds a recommendations section to crm.profile on request, and gives templates a list of items', async () => {
        const { crm, people } = await seeded({ profileK: 2 });
        await crm.recommendations.trainNow();
        const plain = await crm.profile(people.fay as string);
        expect(plain.sections).toBeUndefined();
        const view = await crm.profile(people.fay as string, { include: ['recommendations'] });
        expect(view.sections?.recommendations).toMatchObject({
          personalised: true,
          items: [
            { itemId: 'cups', title: 'Cups', price: 12, category: 'home/tea' },
            { itemId: 'tea', title: 'Green tea' },
          ],
        });
        const error = (await crm.profile(people.fay as string, { include: ['nope'] }).catch((e: unknown) => e)) as ValidationError;
        expect(isRapportError(error, 'INVALID_INPUT')).toBe(true);
        expect(error.issues[0]?.path).toEqual(['options', 'include', 0]);
        const variables = await recommendationsForTemplate(crm, people.ann as string, 1);
        expect(variables).toEqual([
          expect.objectContaining({ itemId: 'tea', title: 'Green tea', price: 6, reason: 'because you liked Teapot' }),
        ]);
        await crm.close();
      });

      it('schedules the recurring retrain from its option, and the schedule trains', async () => {
        const crm = await recommendCrm(ctx.storage(), { schedule: { cron: '0 3 * * *', timezone: 'Europe/London' } });
        const customer = await shopper(crm, 'sam');
        await buy(crm, customer, ['teapot', 'cups'], 'sam');
        crm.clock.advance({ days: 1 });
        expect(await crm.workers().drain()).toBeGreaterThanOrEqual(1);
        const [job] = (await crm.jobs.list({ type: 'recommend.train', limit: 10 })).items;
        expect(job?.status).toBe('succeeded');
        expect((await crm.recommendations.modelInfo()).eventCount).toBe(2);
        await crm.jobs.unschedule('recommend.train');
        await crm.close();
      });

      it('refuses bad options at createCrm, naming the plugin and the field', async () => {
        const error = await recommendCrm(ctx.storage(), { recommenders: [] }).catch((e: unknown) => e);
        expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
        expect((error as Error).message).toMatch(/^\[@rapport\/recommend\] invalid options — recommenders: /);
      });
    }),
});

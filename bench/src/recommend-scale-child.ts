/**
 * One step of the recommendation scale bench, in a process of its own so its peak RSS is its
 * own: `seed` fills the feedback table, `train` runs a full training, `serve` measures
 * `forCustomer` and incremental updates. Prints one JSON line.
 */
import 'reflect-metadata';
import { createCrm, type Interaction, type Storage } from '@rapport/core';
import { feedbackTable, type Recommendations, readFeedback, recommend, trainItemKnnModel, trainPopularity } from '@rapport/recommend';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { peakRssMiB, quantile, timed } from './machine.js';
import { seededRandom } from './random.js';
import { RECOMMEND_SCALE_SIZES, syntheticFeedback } from './recommend-scale-data.js';

const [mode, target, location, sizeName] = process.argv.slice(2) as [string, string, string, keyof typeof RECOMMEND_SCALE_SIZES];
const size = RECOMMEND_SCALE_SIZES[sizeName];
const TENANT = 'bench';
const plugin = recommend({ recommenders: ['item-knn', 'popularity'], refreshMs: 0 });

function open(): Promise<Storage> | Storage {
  return target === 'postgres' ? postgres({ connectionString: location }) : sqlite({ filename: location });
}

const storage = await open();
const crm = await createCrm({ storage, plugins: [plugin], tenant: TENANT });
const api: Recommendations = crm.recommendations;
const out: Record<string, number> = {};

if (mode === 'seed') {
  const table = crm.storage.forTenant(TENANT).table(feedbackTable);
  const { ms } = await timed(async () => {
    for (const rows of syntheticFeedback(size)) await table.insertMany(rows);
  });
  out.rows = await table.count();
  out.seedMs = ms;
}

if (mode === 'train') {
  const train = await timed(() => api.trainNow());
  out.trainMs = train.ms;
  out.trainPeakRssMiB = peakRssMiB();
  out.events = train.result.eventCount;
  // The parts, after the peak was taken: reading through the storage, item-kNN alone, and the popularity baseline.
  const read = await timed(() => readFeedback(crm.storage.forTenant(TENANT)));
  out.readMs = read.ms;
  out.knnMs = (await timed(() => trainItemKnnModel({ events: read.result }))).ms;
  out.popularityMs = (await timed(() => trainPopularity({ events: read.result }))).ms;
}

if (mode === 'serve') {
  out.loadMs = (await timed(() => api.modelInfo())).ms;
  const info = await api.modelInfo();
  out.pairs = info.itemKnn.pairs.length;
  const random = seededRandom(7);
  const customer = () => `c${Math.floor(random() ** 2 * size.customers)}`;
  for (let n = 0; n < 1000; n++) {
    await api.forCustomer(customer(), { k: 10 });
    await api.forCustomer(customer(), { k: 10, recommender: 'popularity' });
  }
  const knn: number[] = [];
  const popular: number[] = [];
  for (let n = 0; n < 5000; n++) {
    const id = customer();
    knn.push((await timed(() => api.forCustomer(id, { k: 10 }))).ms);
    popular.push((await timed(() => api.forCustomer(id, { k: 10, recommender: 'popularity' }))).ms);
  }
  out.serveP50Ms = quantile(knn, 0.5);
  out.serveP99Ms = quantile(knn, 0.99);
  out.popularityP50Ms = quantile(popular, 0.5);
  out.popularityP99Ms = quantile(popular, 0.99);
  // Incremental: what the interaction listener does with one recorded interaction, beside a popularity count +1.
  const update: number[] = [];
  const baseline: number[] = [];
  const counts = new Map<string, number>();
  for (let n = 0; n < 20_000; n++) {
    const itemId = `i${Math.floor(random() ** 3 * size.items)}`;
    const interaction = {
      id: `live-${n}`,
      customerId: customer(),
      type: 'purchase',
      occurredAt: new Date(),
      properties: { itemId },
    } as unknown as Interaction;
    update.push((await timed(() => api.observe(interaction))).ms);
    baseline.push((await timed(() => counts.set(itemId, (counts.get(itemId) ?? 0) + 1))).ms);
  }
  out.updateP50Ms = quantile(update, 0.5);
  out.updateP99Ms = quantile(update, 0.99);
  out.baselineUpdateP99Ms = quantile(baseline, 0.99);
  out.servePeakRssMiB = peakRssMiB();
}

await crm.close();
console.log(JSON.stringify(out));

import { isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { ItemKnnCounts, memoryModelStore, type PopularityModel, trainPopularity } from '../src/index.js';
import { purchase } from './fixtures.js';

const model = (n: number): PopularityModel =>
  trainPopularity({ events: Array.from({ length: n }, (_, i) => purchase(`u${i}`, `i${i % 7}`, i)) });

describe('memoryModelStore', () => {
  it('saves versions, serves only the activated one, and copies models in', async () => {
    const store = memoryModelStore();
    expect(await store.active('popularity')).toBeUndefined();
    const first = model(5);
    const saved = await store.save('popularity', first);
    expect(saved.version).toBe(1);
    expect(await store.active('popularity')).toBeUndefined();
    await store.activate('popularity', 1);
    first.global.length = 0;
    expect((await store.active('popularity'))?.model).toEqual(model(5));
    await store.save('popularity', model(9));
    expect((await store.active('popularity'))?.version).toBe(1);
    const error = await store.activate('popularity', 3).catch((e: unknown) => e);
    expect(isRapportError(error, 'RECOMMEND_MODEL_NOT_FOUND')).toBe(true);
  });

  it('item-kNN models survive a save and load unchanged', async () => {
    const store = memoryModelStore();
    const counts = ItemKnnCounts.train({ events: [purchase('a', 'x'), purchase('a', 'y'), purchase('b', 'x')] });
    const { version } = await store.save('knn', counts.toModel());
    await store.activate('knn', version);
    const loaded = (await store.active('knn'))?.model;
    expect(loaded?.kind).toBe('item-knn');
    if (loaded?.kind !== 'item-knn') return;
    expect(ItemKnnCounts.fromModel(loaded).similarity('x', 'y')).toBe(counts.similarity('x', 'y'));
  });

  it('readers racing retrains always get a whole activated model (many rounds)', async () => {
    const store = memoryModelStore();
    // Version v holds a model trained on v * 3 events, so a reader can check it got a whole one.
    for (let round = 0; round < 30; round++) {
      const retrains = Array.from({ length: 4 }, async (_, i) => {
        const saved = await store.save('popularity', model((round * 4 + i + 1) * 3));
        await store.activate('popularity', saved.version);
        return saved.version;
      });
      const readers = Array.from({ length: 8 }, async () => {
        const seen = await store.active('popularity');
        if (seen) expect(seen.model).toEqual(model(seen.version * 3));
      });
      const versions = await Promise.all([...retrains, ...readers]);
      expect(new Set(versions.slice(0, 4)).size).toBe(4);
    }
    const last = await store.active('popularity');
    expect(last?.model).toEqual(model((last?.version ?? 0) * 3));
  });
});

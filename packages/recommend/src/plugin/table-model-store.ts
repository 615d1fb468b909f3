import { isRapportError, NotFoundError } from '@rapport/core';
import type { TenantStore } from '@rapport/core/plugin';
import { RecommendErrorCode } from '../error-codes.js';
import type { ModelStore, RecommendModel, StoredModel } from '../model-store.js';
import { activeModelsTable, modelChunksTable, modelVersionsTable } from './tables.js';

/** Options of {@link tableModelStore}. */
export interface TableModelStoreOptions {
  /** Characters of model JSON per chunk row, at most 1,000,000. @default 500_000 */
  chunkSize?: number;
  /** Versions kept behind the active one, so a reader that just looked up the old pointer can finish. @default 1 */
  keepPrevious?: number;
  /** The time saved versions are stamped with. @default () => new Date() */
  now?: () => Date;
}

/** How often a reader retries when the version it looked up went away while it read it. */
const READ_ATTEMPTS = 5;
/** How often a save retries when another save took the same version number. */
const SAVE_ATTEMPTS = 10;

/**
 * A {@link ModelStore} on the plugin's tables, on every storage. A save writes the whole
 * model as the next version (JSON in chunks, several statements, never seen by readers),
 * marks it ready, and only then can it be activated: the pointer switches in one transaction,
 * so a reader finds the old version or the new one, complete. A reader checks the chunks
 * it got against the version row and reads again if a clean-up removed them meanwhile.
 */
export function tableModelStore(store: TenantStore, options: TableModelStoreOptions = {}): ModelStore {
  const chunkSize = Math.min(options.chunkSize ?? 500_000, 1_000_000);
  const keepPrevious = options.keepPrevious ?? 1;
  const now = options.now ?? (() => new Date());

  async function nextVersion(name: string): Promise<number> {
    const page = await store
      .table(modelVersionsTable)
      .find({ where: { name }, orderBy: [{ column: 'version', direction: 'desc' }], limit: 1 });
    return (page.items[0]?.version ?? 0) + 1;
  }

  async function claimVersion(name: string, chunks: number, length: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const version = await nextVersion(name);
      try {
        await store.table(modelVersionsTable).insert({ name, version, ready: false, chunks, length, savedAt: now() });
        return version;
      } catch (error) {
        // Another save took this number at the same moment: take the next one.
        if (!isRapportError(error, 'TABLE_UNIQUE_VIOLATION') || attempt >= SAVE_ATTEMPTS) throw error;
      }
    }
  }

  async function read(name: string, version: number): Promise<RecommendModel | null> {
    const row = await store.table(modelVersionsTable).get({ name, version });
    if (!row?.ready) return null;
    const parts: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.table(modelChunksTable).find({ where: { name, version }, orderBy: [{ column: 'seq' }], limit: 100, cursor });
      for (const chunk of page.items) parts.push(chunk.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    const text = parts.join('');
    // Chunks removed while we read (an old version cleaned up) leave fewer or shorter parts.
    if (parts.length !== row.chunks || text.length !== row.length) return null;
    return JSON.parse(text) as RecommendModel;
  }

  async function removeVersion(name: string, version: number, chunks: number): Promise<void> {
    const table = store.table(modelChunksTable);
    for (let seq = 0; seq < chunks; seq++) await table.delete({ name, version, seq });
    await store.table(modelVersionsTable).delete({ name, version });
  }

  return {
    async save<M extends RecommendModel>(name: string, model: M): Promise<StoredModel<M>> {
      const text = JSON.stringify(model);
      const count = Math.max(1, Math.ceil(text.length / chunkSize));
      const version = await claimVersion(name, count, text.length);
      const table = store.table(modelChunksTable);
      for (let start = 0, seq = 0; seq < count; seq += 8) {
        const rows = [];
        for (let s = seq; s < Math.min(count, seq + 8); s++, start += chunkSize) {
          rows.push({ name, version, seq: s, data: text.slice(start, start + chunkSize) });
        }
        await table.insertMany(rows);
      }
      await store.table(modelVersionsTable).update({ name, version }, { ready: true });
      return { name, version, model };
    },

    async activate(name, version) {
      const replaced = await store.transaction(async (tx) => {
        const row = await tx.table(modelVersionsTable).get({ name, version });
        if (!row?.ready) throw new NotFoundError(RecommendErrorCode.ModelNotFound, 'model', `${name}@${version}`);
        const current = await tx.table(activeModelsTable).get({ name });
        // Two retrains finishing out of order: the newer version stays active.
        if (current && current.version >= version) return null;
        await tx.table(activeModelsTable).upsert({ name, version, activatedAt: now() });
        return current?.version ?? null;
      });
      if (replaced === null) return;
      const old = await store.table(modelVersionsTable).find({
        where: { name, version: { lt: version - keepPrevious } },
        orderBy: [{ column: 'version' }],
        limit: 100,
      });
      for (const row of old.items) await removeVersion(name, row.version, row.chunks);
    },

    async active(name) {
      for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        const pointer = await store.table(activeModelsTable).get({ name });
        if (!pointer) return undefined;
        const model = await read(name, pointer.version);
        if (model !== null) return { name, version: pointer.version, model };
      }
      throw new NotFoundError(RecommendErrorCode.ModelNotFound, 'model', name);
    },
  };
}

import { type Page, ValidationError } from '@rapport/core';
import type { RowOf, TenantStore } from '@rapport/core/plugin';
import { Catalogue, type CatalogueBatchResult, validateCatalogueRows } from '../catalogue/catalogue.js';
import type { CatalogueItem } from '../catalogue/catalogue-item.js';
import { RecommendErrorCode } from '../error-codes.js';
import { itemsTable } from './tables.js';

/** Options of {@link TableCatalogue.list}. */
export interface ListItemsOptions {
  /** Rows per page, 1..1000. @default 50 */
  limit?: number;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
}

/** Largest batch `upsertItems` takes; split bigger imports. */
export const MAX_ITEMS_PER_BATCH = 10_000;

function toItem(row: RowOf<typeof itemsTable>): CatalogueItem {
  return {
    id: row.id,
    title: row.title,
    categoryPath: row.categoryPath,
    price: row.price,
    attributes: row.attributes,
    availability: row.availability as CatalogueItem['availability'],
  };
}

/** One tenant's catalogue in the `items` table. */
export class TableCatalogue {
  constructor(
    private readonly store: TenantStore,
    private readonly now: () => Date,
  ) {}

  /**
   * Validates every row; writes the good ones in one transaction and reports each bad one
   * with its position and the field (`items.3.price`). Returns the items written, for caches.
   */
  async upsertMany(rows: readonly unknown[]): Promise<CatalogueBatchResult & { items: CatalogueItem[] }> {
    if (rows.length > MAX_ITEMS_PER_BATCH) {
      throw new ValidationError(RecommendErrorCode.InvalidItem, [
        { path: ['items'], message: `at most ${MAX_ITEMS_PER_BATCH} rows a call; split the batch` },
      ]);
    }
    const { items: good, rejected } = validateCatalogueRows(rows);
    // The same id twice in a batch: the last row wins, as it would one call at a time.
    const latest = [...new Map(good.map((item) => [item.id, item])).values()];
    if (latest.length > 0) {
      const updatedAt = this.now();
      await this.store.transaction(async (tx) => {
        const table = tx.table(itemsTable);
        for (const item of latest) await table.upsert({ ...item, updatedAt });
      });
    }
    return { upserted: good.length, rejected, items: latest };
  }

  /** The item, or null. */
  async get(id: string): Promise<CatalogueItem | null> {
    const row = await this.store.table(itemsTable).get({ id });
    return row ? toItem(row) : null;
  }

  /** A page of items by id. */
  async list(options: ListItemsOptions = {}): Promise<Page<CatalogueItem>> {
    const page = await this.store.table(itemsTable).find({ limit: options.limit ?? 50, cursor: options.cursor });
    return { items: page.items.map(toItem), nextCursor: page.nextCursor };
  }

  /** Items written at or after `since` (epoch ms), to bring a loaded catalogue up to date (re-applying one is harmless). */
  async changedSince(since: number): Promise<CatalogueItem[]> {
    const table = this.store.table(itemsTable);
    const items: CatalogueItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await table.find({
        where: { updatedAt: { gte: new Date(since) } },
        orderBy: [{ column: 'updatedAt' }],
        limit: 1000,
        cursor,
      });
      for (const row of page.items) items.push(toItem(row));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }

  /** Every item, in memory, for serving. */
  async load(): Promise<Catalogue> {
    const catalogue = new Catalogue();
    let cursor: string | undefined;
    do {
      const page = await this.store.table(itemsTable).find({ limit: 1000, cursor });
      for (const row of page.items) catalogue.upsert(toItem(row));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return catalogue;
  }
}

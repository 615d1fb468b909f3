import { ValidationError, type ValidationIssue } from '@rapport/core';
import { toValidationIssues } from '@rapport/core/plugin';
import { RecommendErrorCode } from '../error-codes.js';
import { type CatalogueItem, type CatalogueItemInput, CatalogueItemSchema, categoryKey, RECOMMENDABLE } from './catalogue-item.js';

/** A catalogue row that was refused, with why. */
export interface RejectedItem {
  /** Position of the row in the batch. */
  index: number;
  /** The row's id when it had a readable one. */
  id: string | null;
  /** Each bad field, path `items.<index>.<field>`. */
  issues: ValidationIssue[];
}

/** What an {@link Catalogue.upsertMany} batch did: good rows are kept, bad rows reported. */
export interface CatalogueBatchResult {
  upserted: number;
  rejected: RejectedItem[];
}

/**
 * Validates one catalogue row, or throws a `ValidationError` (`RECOMMEND_INVALID_ITEM`) whose
 * issues name the row (`items.<index>`) and the field.
 */
export function parseCatalogueItem(row: unknown, index = 0): CatalogueItem {
  const result = CatalogueItemSchema.safeParse(row);
  if (result.success) return result.data;
  throw new ValidationError(RecommendErrorCode.InvalidItem, toValidationIssues(result.error, ['items', index]), result.error);
}

/** Validates a batch of rows: the good ones in order, and each bad one with its position and fields. */
export function validateCatalogueRows(rows: readonly unknown[]): { items: CatalogueItem[]; rejected: RejectedItem[] } {
  const items: CatalogueItem[] = [];
  const rejected: RejectedItem[] = [];
  rows.forEach((row, index) => {
    try {
      items.push(parseCatalogueItem(row, index));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const id = typeof (row as { id?: unknown } | null)?.id === 'string' ? (row as { id: string }).id : null;
      rejected.push({ index, id, issues: error.issues });
    }
  });
  return { items, rejected };
}

/**
 * The item catalogue recommenders read: titles for reasons, categories for diversity and
 * consumables, prices for bands, availability for exclusion. In memory; the plugin keeps
 * it in its `items` table and loads it into one of these to serve.
 */
export class Catalogue {
  readonly #items = new Map<string, CatalogueItem>();
  readonly #categories = new Map<string, string>();

  /** A catalogue holding `rows`; throws on the first bad row (use {@link Catalogue.upsertMany} to keep the good ones). */
  static of(rows: readonly CatalogueItemInput[]): Catalogue {
    const catalogue = new Catalogue();
    rows.forEach((row, index) => {
      catalogue.#put(parseCatalogueItem(row, index));
    });
    return catalogue;
  }

  /** Validates and stores one row; a bad row throws and changes nothing. */
  upsert(row: CatalogueItemInput): CatalogueItem {
    const item = parseCatalogueItem(row);
    this.#put(item);
    return item;
  }

  /** Validates every row; stores the good ones and reports the rest with row and field. */
  upsertMany(rows: readonly unknown[]): CatalogueBatchResult {
    const { items, rejected } = validateCatalogueRows(rows);
    for (const item of items) this.#put(item);
    return { upserted: items.length, rejected };
  }

  /** The item, or undefined. */
  get(id: string): CatalogueItem | undefined {
    return this.#items.get(id);
  }

  /** True when the catalogue holds the item. */
  has(id: string): boolean {
    return this.#items.has(id);
  }

  /** True when the item exists and may be shown (in stock or on pre-order). */
  isAvailable(id: string): boolean {
    const item = this.#items.get(id);
    return item !== undefined && RECOMMENDABLE.has(item.availability);
  }

  /** The item's category key (`home/kitchen`), or undefined for an unknown item. */
  category(id: string): string | undefined {
    return this.#categories.get(id);
  }

  /** The item's title, or its id when the catalogue does not know it. */
  title(id: string): string {
    return this.#items.get(id)?.title ?? id;
  }

  /** Number of items. */
  get size(): number {
    return this.#items.size;
  }

  /** Every item, in insertion order. */
  items(): IterableIterator<CatalogueItem> {
    return this.#items.values();
  }

  #put(item: CatalogueItem): void {
    this.#items.set(item.id, item);
    this.#categories.set(item.id, categoryKey(item));
  }
}

import type { CatalogueItemInput, FeedbackEvent } from '../src/index.js';

/** A purchase event for tests; time and basket optional. */
export function purchase(
  customerId: string,
  itemId: string,
  at = 0,
  basketId: string | null = null,
  storeId: string | null = null,
): FeedbackEvent {
  return { customerId, itemId, weight: 3, type: 'purchase', at, basketId, storeId };
}

/** A view event for tests. */
export function view(customerId: string, itemId: string, at = 0): FeedbackEvent {
  return { customerId, itemId, weight: 1, type: 'page_view', at, basketId: null, storeId: null };
}

/** Catalogue rows A..F in two categories, all in stock. */
export const ROWS: CatalogueItemInput[] = [
  { id: 'A', title: 'Teapot', categoryPath: ['home', 'kitchen'], price: 20 },
  { id: 'B', title: 'Cups', categoryPath: ['home', 'kitchen'], price: 10 },
  { id: 'C', title: 'Tea', categoryPath: ['grocery', 'tea'], price: 5 },
  { id: 'D', title: 'Coaster', categoryPath: ['home', 'table'], price: 3 },
  { id: 'E', title: 'Biscuits', categoryPath: ['grocery', 'biscuits'], price: 4 },
  { id: 'F', title: 'Tray', categoryPath: ['home', 'table'], price: 30 },
];

/** Row `index` of {@link ROWS}. */
export function row(index: number): CatalogueItemInput {
  return ROWS[index] as CatalogueItemInput;
}

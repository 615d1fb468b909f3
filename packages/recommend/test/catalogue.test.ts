import { isRapportError, ValidationError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { Catalogue, feedbackMapping, parseCatalogueItem, toFeedback } from '../src/index.js';
import { ROWS, row } from './fixtures.js';

describe('catalogue', () => {
  it('a bad price or unknown availability is a typed error naming the row and field', () => {
    const bad = () => parseCatalogueItem({ ...row(0), price: -1 }, 7);
    expect(bad).toThrowError(ValidationError);
    try {
      bad();
    } catch (error) {
      expect(isRapportError(error, 'RECOMMEND_INVALID_ITEM')).toBe(true);
      expect((error as ValidationError).issues[0]?.path).toEqual(['items', 7, 'price']);
      expect((error as ValidationError).kind).toBe('invalid_input');
    }
    expect(() => parseCatalogueItem({ ...row(0), availability: 'sold' })).toThrowError(
      /items\.0\.availability: availability must be one of/,
    );
    expect(() => parseCatalogueItem({ ...row(0), price: Number.NaN })).toThrowError(/items\.0\.price/);
    expect(() => parseCatalogueItem({ ...row(0), price: '20' })).toThrowError(/items\.0\.price/);
    expect(() => parseCatalogueItem({ ...row(0), categoryPath: [] })).toThrowError(/items\.0\.categoryPath/);
    expect(() => parseCatalogueItem({ ...row(0), categoryPath: ['a/b'] })).toThrowError(/items\.0\.categoryPath\.0/);
  });

  it('a batch keeps the good rows and reports each rejected row', () => {
    const catalogue = new Catalogue();
    const result = catalogue.upsertMany([row(0), { ...row(1), price: 'ten' }, null, row(2), { ...row(3), availability: 'gone' }]);
    expect(result.upserted).toBe(2);
    expect(result.rejected.map((row) => [row.index, row.id, row.issues.map((issue) => issue.path.join('.'))])).toEqual([
      [1, 'B', ['items.1.price']],
      [2, null, ['items.2']],
      [4, 'D', ['items.4.availability']],
    ]);
    expect(catalogue.size).toBe(2);
    expect(catalogue.has('B')).toBe(false);
  });

  it('a bad single upsert changes nothing; availability and categories are read back', () => {
    const catalogue = Catalogue.of(ROWS);
    expect(() => catalogue.upsert({ ...row(0), title: '' })).toThrowError(/items\.0\.title/);
    expect(catalogue.title('A')).toBe('Teapot');
    catalogue.upsert({ ...row(0), availability: 'out_of_stock' });
    expect(catalogue.isAvailable('A')).toBe(false);
    expect(catalogue.isAvailable('B')).toBe(true);
    expect(catalogue.isAvailable('nope')).toBe(false);
    expect(catalogue.category('C')).toBe('grocery/tea');
  });
});

describe('interactions → implicit feedback', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  const interaction = (id: string, type: string, properties: Record<string, unknown>) => ({
    id,
    customerId: 'c1',
    type,
    occurredAt: at,
    properties,
  });

  it('weights purchase > add-to-cart > view by default and ignores other types', () => {
    const { events, skipped } = toFeedback(
      [
        interaction('1', 'purchase', { itemId: ['A', 'B', 'A'], orderId: 42, storeId: 's1' }),
        interaction('2', 'add_to_cart', { itemId: 'C' }),
        interaction('3', 'page_view', { itemId: 'D' }),
        interaction('4', 'email.opened', { itemId: 'E' }),
      ],
      feedbackMapping(),
    );
    expect(events.map((e) => [e.itemId, e.weight, e.basketId, e.storeId])).toEqual([
      ['A', 3, '42', 's1'],
      ['B', 3, '42', 's1'],
      ['C', 2, null, null],
      ['D', 1, null, null],
    ]);
    expect(events[0]?.at).toBe(at.getTime());
    expect(skipped).toEqual([]);
  });

  it('uses the configured types, weights and item property; reports mapped rows without an item', () => {
    const mapping = feedbackMapping({ weights: { order: 5, wishlist: 1.5 }, itemProperty: 'sku' });
    const { events, skipped } = toFeedback(
      [interaction('1', 'order', { sku: 'X' }), interaction('2', 'wishlist', { sku: 7 }), interaction('3', 'purchase', { sku: 'Y' })],
      mapping,
    );
    expect(events.map((e) => [e.itemId, e.weight])).toEqual([['X', 5]]);
    expect(skipped).toEqual([{ interactionId: '2', reason: 'properties.sku must be an item id or a list of item ids' }]);
  });

  it('rejects a bad mapping naming the field', () => {
    expect(() => feedbackMapping({ weights: { purchase: 0 } })).toThrowError(/mapping\.weights\.purchase/);
    expect(() => feedbackMapping({ weights: {} })).toThrowError(/mapping\.weights/);
  });
});

import { isRapportError, type SegmentConditionInput, type SegmentDefinitionInput } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';

const CONDITIONS: SegmentConditionInput[] = [
  { kind: 'metric', field: 'totalSpend', op: 'gte', value: 100 },
  { kind: 'events', types: ['purchase'], withinDays: 30, count: { op: 'gte', value: 2 } },
];
const VIP = { key: 'vip-buyers', name: 'VIP buyers', condition: { kind: 'and', of: CONDITIONS } } satisfies SegmentDefinitionInput;

/** `segments.declare`: define-or-update by key, reporting which. */
export function segmentDeclarationSuite(ctx: ConformanceContext): void {
  describe(`${ctx.name}: declaring segments`, () => {
    it('creates a segment, leaves it unchanged when declared again, and updates it when it differs', async () => {
      const { crm, clock } = await crmFor(ctx);
      const created = await crm.segments.declare(VIP);
      expect(created.status).toBe('created');
      clock.advance({ minutes: 1 });
      // Keys in another order are the same definition (JSON columns may reorder them).
      const again = await crm.segments.declare({
        condition: {
          of: CONDITIONS.map((condition) => Object.fromEntries(Object.entries(condition).reverse()) as SegmentConditionInput),
          kind: 'and',
        },
        name: VIP.name,
        key: VIP.key,
        description: null,
      });
      expect(again).toEqual({ segment: created.segment, status: 'unchanged' });
      clock.advance({ minutes: 1 });
      const renamed = await crm.segments.declare({ ...VIP, name: 'Best buyers', description: 'spend and frequency' });
      expect(renamed.status).toBe('updated');
      expect(renamed.segment).toMatchObject({ id: created.segment.id, name: 'Best buyers', description: 'spend and frequency' });
      expect(renamed.segment.updatedAt.getTime()).toBeGreaterThan(created.segment.updatedAt.getTime());
      const retargeted = await crm.segments.declare({
        ...VIP,
        name: 'Best buyers',
        description: 'spend and frequency',
        condition: { kind: 'tag', op: 'has', value: 'vip' },
      });
      expect(retargeted.status).toBe('updated');
      const stored = await crm.segments.get(VIP.key);
      expect(stored.condition).toEqual({ kind: 'tag', op: 'has', value: 'vip' });
      expect(stored.createdAt).toEqual(created.segment.createdAt);
      expect((await crm.segments.list()).map((segment) => segment.key)).toEqual([VIP.key]);
    });

    it('gives one segment for concurrent declarations of a new key, and rejects a bad definition', async () => {
      const { crm } = await crmFor(ctx);
      const results = await Promise.all(Array.from({ length: 4 }, () => crm.segments.declare(VIP)));
      expect(results.map((result) => result.status).sort()).toEqual(['created', 'unchanged', 'unchanged', 'unchanged']);
      expect(new Set(results.map((result) => result.segment.id)).size).toBe(1);
      const error = await crm.segments.declare({ ...VIP, key: 'Not A Slug' }).catch((caught: unknown) => caught);
      expect(isRapportError(error, 'INVALID_INPUT')).toBe(true);
      expect(String(error)).toContain('segment.key');
    });
  });
}

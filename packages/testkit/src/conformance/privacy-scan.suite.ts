import type { Identity, Storage } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';
import { plantCanaryPerson, privacyNotesPlugin } from './privacy-fixtures.js';

/**
 * Looks through everything a storage holds (every text, JSON and blob column of every table,
 * or a memory storage's whole state) for any of `needles`; returns where each hit is, e.g.
 * `rapport_interactions.properties`.
 */
export type StorageScanner = (storage: Storage, needles: readonly string[]) => Promise<string[]>;

/** Options of {@link privacyScanSuite}. */
export interface PrivacyScanOptions {
  /** The scanner for the storage under test. */
  scan: StorageScanner;
  /** Further values derived from an identity to look for (the storage's blind-index values). */
  derived?: (identity: Identity) => string[];
}

/**
 * The canary erasure scan: a person given unique values through every path (identities,
 * traits, tags, payloads, consent proof, a plugin table, a merged-away duplicate) is erased,
 * then the whole storage is scanned for those values and their blind-index values: zero hits,
 * in both modes. The same scan before erasure must find them, so a blind scanner cannot pass.
 */
export function privacyScanSuite(ctx: ConformanceContext, options: PrivacyScanOptions): void {
  describe(`${ctx.name}: privacy canary scan`, () => {
    for (const mode of ['delete', 'anonymize'] as const) {
      it(`${mode}: no canary and no blind-index value of the person is left anywhere`, async () => {
        const { crm } = await crmFor(ctx, undefined, { plugins: [privacyNotesPlugin()] });
        const person = await plantCanaryPerson(crm, uniqueId(`canary-${mode}`));
        const needles = [
          ...person.canaries,
          ...person.identities.flatMap((identity) => [identity.value, ...(options.derived?.(identity) ?? [])]),
        ];
        const before = await options.scan(ctx.storage(), needles);
        for (const where of ['identities', 'interactions', 'consents', 'customers', 'notes'])
          expect(
            before.some((hit) => hit.includes(where)),
            `the scan sees the canaries in ${where} before erasure`,
          ).toBe(true);
        await crm.privacy.erase(person.customerId, { mode });
        expect(await options.scan(ctx.storage(), needles)).toEqual([]);
        if (mode === 'anonymize') {
          const kept = await crm.customers.get(person.customerId);
          expect(kept.metrics).toMatchObject({
            purchaseCount: person.purchaseCount,
            totalSpend: person.totalSpend,
            interactionCount: person.interactionCount,
          });
        }
      });
    }
  });
}

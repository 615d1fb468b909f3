import { isRapportError, PrivacyArchiveSchema } from '@rapport/core';
import { definePlugin } from '@rapport/core/plugin';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../fixtures/builders.js';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';
import { plantCanaryPerson, privacyNotesPlugin, privacyNotesTable } from './privacy-fixtures.js';

const expectCode = async (work: Promise<unknown>, code: string, path?: (string | number)[]) => {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isRapportError(error, code as never), `expected ${code}, got ${String(error)}`).toBe(true);
  if (path)
    expect((error as { details: { issues: { path: unknown[] }[] } }).details.issues.map((issue) => issue.path)).toContainEqual(path);
  return error as { details: Record<string, unknown> };
};

/**
 * `crm.privacy` on a storage: export of everything (validated by the archive schema), both
 * erasure modes across core and plugin tables, suppression of later re-creation (also racing
 * the erasure), the request log, retention with a fake clock, contributors and bad input.
 */
export function privacySuite(ctx: ConformanceContext, rounds: number): void {
  describe(`${ctx.name}: privacy`, () => {
    it('exports every planted value, merged-away record and plugin row, valid against the archive schema', async () => {
      const { crm } = await crmFor(ctx, undefined, { plugins: [privacyNotesPlugin()] });
      const canary = uniqueId('cx');
      const person = await plantCanaryPerson(crm, canary);
      const archive = await crm.privacy.export(person.duplicateId);
      expect(PrivacyArchiveSchema.safeParse(archive).error?.issues).toBeUndefined();
      expect(archive.customerId).toBe(person.customerId);
      const text = JSON.stringify(archive);
      for (const part of [
        '-a@example.com',
        '-b@example.com',
        '-card',
        '-name',
        '-trait',
        '-tag',
        '-dup-name',
        '-payload-2',
        '-deep',
        '-source',
        '-key-1',
        '-ip',
        '-dup-ip',
        '-note',
        '-dup-note',
        '-by-email',
        '-dup-payload',
      ])
        expect(text, part).toContain(`${canary}${part}`);
      expect(archive.mergedRecords.map((record) => record.id)).toEqual([person.duplicateId]);
      expect(archive.interactions).toHaveLength(4);
      expect(archive.consents).toHaveLength(2);
      const notes = archive.tables.find((table) => table.table === 'notes');
      expect(notes?.plugin).toBe('privacy-notes');
      expect(notes?.rows.map((row) => row.id).sort()).toEqual([...person.noteIds].sort());
      const [entry] = (await crm.privacy.requests({ customerId: person.customerId })).items;
      expect(entry).toMatchObject({ kind: 'access', status: 'completed', mode: null });
      expect(entry?.summary).toMatchObject({ interactions: 4, consents: 2, tableRows: 3, mergedRecords: 1 });
      expect(JSON.stringify(entry)).not.toContain(canary);
    });

    it('deletes the person everywhere, suppresses their identities and tells plugins', async () => {
      const { crm, events } = await crmFor(ctx, undefined, { plugins: [privacyNotesPlugin()] });
      const canary = uniqueId('cd');
      const person = await plantCanaryPerson(crm, canary);
      const bystander = await crm.customers.upsert({ identities: [{ type: 'email', value: `${canary}-other@example.net` }] });
      const result = await crm.privacy.erase(person.customerId, { mode: 'delete' });
      expect(result.mergedIds).toEqual([person.duplicateId]);
      expect(result.summary).toMatchObject({ customers: 2, identities: 4, interactions: 4, consents: 2, tableRows: 3, suppressions: 4 });
      await expectCode(crm.customers.get(person.customerId), 'CUSTOMER_NOT_FOUND');
      await expectCode(crm.customers.get(person.duplicateId), 'CUSTOMER_NOT_FOUND');
      for (const identity of person.identities) {
        expect(await crm.customers.find(identity)).toBeNull();
        expect(await crm.privacy.isSuppressed(identity)).toBe(true);
      }
      const store = crm.storage.forTenant(crm.tenantId);
      expect((await store.interactions.timeline(person.customerId, { limit: 100 })).items).toEqual([]);
      expect(await store.consents.history(person.customerId)).toEqual([]);
      expect(await store.table(privacyNotesTable).count()).toBe(0);
      expect((await crm.customers.get(bystander.customer.id)).id).toBe(bystander.customer.id);
      expect(await crm.privacy.isSuppressed({ type: 'email', value: `${canary}-other@example.net` })).toBe(false);
      // The same answers for a list in one read, in order, the bystander's among them.
      const asked = [person.identities[0], { type: 'email', value: `${canary}-other@example.net` }, ...person.identities.slice(1)];
      expect(await crm.privacy.suppressedAmong(asked as never)).toEqual([true, false, ...person.identities.slice(1).map(() => true)]);
      expect(await crm.privacy.suppressedAmong([])).toEqual([]);
      const erased = events.filter((event) => event.name === 'customer.erased');
      expect(erased).toHaveLength(1);
      expect(erased[0]?.payload).toMatchObject({
        customerId: person.customerId,
        mode: 'delete',
        reason: 'request',
        requestId: result.requestId,
      });
      const log = await crm.privacy.requests({ kind: 'erasure' });
      expect(log.items.find((item) => item.id === result.requestId)).toMatchObject({ status: 'completed', mode: 'delete' });
      expect(JSON.stringify([erased, log])).not.toContain(canary);
    });

    it('anonymizes: keeps the rows and metrics, drops everything personal', async () => {
      const { crm } = await crmFor(ctx, undefined, { plugins: [privacyNotesPlugin()] });
      const canary = uniqueId('ca');
      const person = await plantCanaryPerson(crm, canary);
      const result = await crm.privacy.erase(person.customerId, { mode: 'anonymize' });
      expect(result.summary).toMatchObject({ customers: 2, identities: 4, interactions: 4, consents: 2, tableRows: 3 });
      const kept = await crm.customers.get(person.customerId);
      expect(kept.identities).toEqual([]);
      expect(kept.traits).toEqual({});
      expect(kept.tags).toEqual([]);
      expect(kept.metrics).toMatchObject({
        purchaseCount: person.purchaseCount,
        totalSpend: person.totalSpend,
        interactionCount: person.interactionCount,
      });
      const timeline = await crm.interactions.timeline(person.customerId, { limit: 100 });
      expect(timeline.items).toHaveLength(4);
      expect(timeline.items.map((item) => item.type).sort()).toEqual(['page.view', 'purchase', 'purchase', 'purchase']);
      expect(timeline.items.map((item) => item.properties.amount).sort()).toEqual([10, 20, 30, 7]);
      for (const item of timeline.items) {
        expect(Object.keys(item.properties)).toEqual(['amount']);
        expect(item.idempotencyKey).toBeNull();
      }
      const notes = (await crm.storage.forTenant(crm.tenantId).table(privacyNotesTable).find({ limit: 10 })).items;
      expect(notes).toHaveLength(3);
      expect(notes.map((note) => note.score).sort()).toEqual([1, 2, 3]);
      expect(JSON.stringify([kept, timeline, notes, await crm.privacy.export(person.customerId)])).not.toContain(canary);
      await expectCode(crm.customers.upsert({ identities: [person.identities[0] as never] }), 'HOOK_VETOED');
    });

    it('refuses to re-create an erased person by upsert, create, record or batch, per item', async () => {
      const { crm } = await crmFor(ctx);
      const email = `${uniqueId('sup')}@example.com`;
      const phone = '+447400123987';
      const { customer } = await crm.customers.upsert({
        identities: [
          { type: 'email', value: email },
          { type: 'phone', value: phone },
        ],
      });
      await crm.privacy.erase(customer.id, { mode: 'delete' });
      const refused = await expectCode(
        crm.customers.upsert({ identities: [{ type: 'email', value: email.toUpperCase() }] }),
        'HOOK_VETOED',
      );
      expect(refused.details).toMatchObject({ reason: 'CUSTOMER_SUPPRESSED', plugin: '@rapport/core:privacy', identityType: 'email' });
      await expectCode(crm.customers.create({ identities: [{ type: 'phone', value: '07400 123987' }] }), 'HOOK_VETOED');
      await expectCode(
        crm.interactions.record({ identity: { type: 'email', value: email }, channel: 'email', type: 'inbound.message' }),
        'HOOK_VETOED',
      );
      const fresh = `${uniqueId('ok')}@example.com`;
      const batch = await crm.interactions.recordMany([
        { identity: { type: 'email', value: email }, channel: 'email', type: 'inbound.message' },
        { identity: { type: 'email', value: fresh }, channel: 'email', type: 'inbound.message' },
      ]);
      expect(batch.outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'stored']);
      expect(await crm.customers.find({ type: 'email', value: email })).toBeNull();
      expect(await crm.customers.find({ type: 'email', value: fresh })).not.toBeNull();
      expect((await crm.customers.list({ limit: 10 })).items).toHaveLength(1);
      // Taken off the list, the person can be created again.
      expect(await crm.privacy.unsuppress({ type: 'email', value: email })).toBe(true);
      expect(await crm.privacy.unsuppress({ type: 'email', value: email })).toBe(false);
      expect((await crm.customers.upsert({ identities: [{ type: 'email', value: email }] })).created).toBe(true);
    });

    it(`leaves nothing of the person when erasure races upserts and records (${rounds} rounds)`, async () => {
      const { crm } = await crmFor(ctx);
      for (let round = 0; round < rounds; round++) {
        const email = `${uniqueId('race')}@example.com`;
        const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: email }] });
        const writers = Array.from({ length: 4 }, (_, index) =>
          index % 2 === 0
            ? crm.customers.upsert({ identities: [{ type: 'email', value: email }], traits: { name: `w${index}` } })
            : crm.interactions.record({ identity: { type: 'email', value: email }, channel: 'web', type: 'page.view' }),
        );
        const byId = crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'page.view' });
        const [erasure, ...settled] = await Promise.allSettled([crm.privacy.erase(customer.id, { mode: 'delete' }), byId, ...writers]);
        expect(erasure.status, String((erasure as PromiseRejectedResult).reason)).toBe('fulfilled');
        for (const outcome of settled) {
          if (outcome.status === 'rejected') {
            const allowed = ['HOOK_VETOED', 'CUSTOMER_NOT_FOUND'].some((code) => isRapportError(outcome.reason, code as never));
            expect(allowed, String(outcome.reason)).toBe(true);
          }
        }
        // Whatever won each race, no contactable customer holds the e-mail, and the erased record left nothing.
        expect(await crm.customers.find({ type: 'email', value: email })).toBeNull();
        await expectCode(crm.customers.get(customer.id), 'CUSTOMER_NOT_FOUND');
        const store = crm.storage.forTenant(crm.tenantId);
        expect((await store.interactions.timeline(customer.id, { limit: 10 })).items).toEqual([]);
        expect(await crm.privacy.isSuppressed({ type: 'email', value: email })).toBe(true);
      }
      expect((await crm.customers.list({ limit: 10 })).items).toEqual([]);
    });

    it('runs retention on a fake clock: exactly what is older than N days, reported', async () => {
      const { crm, clock, events } = await crmFor(ctx, undefined, {
        privacy: {
          retention: { interactions: { days: 30, action: 'delete' }, inactiveCustomers: { days: 90, action: 'delete' } },
          requestLogRetentionDays: 60,
        },
      });
      expect((await crm.jobs.schedules()).map((schedule) => schedule.type)).toContain('rapport.privacy.retention');
      const dormant = (await crm.customers.upsert({ identities: [{ type: 'email', value: `${uniqueId('old')}@example.com` }] })).customer;
      await crm.interactions.record({ customerId: dormant.id, channel: 'web', type: 'page.view' });
      const oldRequest = await crm.privacy.refuse({ kind: 'access', customerId: dormant.id, basis: 'identity not verified' });
      clock.advance({ days: 70 });
      const active = (await crm.customers.upsert({ identities: [{ type: 'email', value: `${uniqueId('new')}@example.com` }] })).customer;
      await crm.interactions.record({ customerId: active.id, channel: 'web', type: 'page.view', occurredAt: clock.now() });
      await crm.interactions.record({
        customerId: active.id,
        channel: 'web',
        type: 'purchase',
        properties: { amount: 5 },
        occurredAt: new Date(clock.now().getTime() - 31 * 86_400_000),
      });
      await crm.interactions.record({
        customerId: active.id,
        channel: 'web',
        type: 'page.view',
        occurredAt: new Date(clock.now().getTime() - 29 * 86_400_000),
      });
      clock.advance({ days: 25 });
      // Now: dormant last seen 95 days ago; active's interactions 25, 56 and 54 days old; the refusal 95 days old.
      const report = await crm.privacy.runRetention();
      expect(report.interactions).toMatchObject({ action: 'delete', count: 3 });
      expect(report.inactiveCustomers).toMatchObject({ action: 'delete', count: 1 });
      expect(report.requestLogEntries).toBe(1);
      await expectCode(crm.customers.get(dormant.id), 'CUSTOMER_NOT_FOUND');
      const left = await crm.interactions.timeline(active.id, { limit: 10 });
      expect(left.items.map((item) => item.occurredAt.toISOString())).toEqual([
        new Date(clock.now().getTime() - 25 * 86_400_000).toISOString(),
      ]);
      expect((await crm.customers.get(active.id)).metrics.purchaseCount).toBe(1);
      expect((await crm.privacy.requests()).items.map((item) => item.id)).not.toContain(oldRequest.id);
      expect(events.filter((event) => event.name === 'privacy.retention.completed')).toHaveLength(1);
      const again = await crm.privacy.runRetention();
      expect(again).toMatchObject({ interactions: { count: 0 }, inactiveCustomers: { count: 0 }, requestLogEntries: 0 });
      // Retention is not a request to stop contact: the dormant person may come back.
      expect(await crm.privacy.isSuppressed(dormant.identities[0] as never)).toBe(false);
    });

    it('anonymizing retention keeps the rows, scrubs each once', async () => {
      const { crm, clock } = await crmFor(ctx, undefined, { privacy: { retention: { interactions: { days: 10, action: 'anonymize' } } } });
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `${uniqueId('an')}@example.com` }] });
      await crm.interactions.record({
        customerId: customer.id,
        channel: 'web',
        type: 'purchase',
        properties: { amount: 9, card: '4111' },
        idempotencyKey: uniqueId('k'),
      });
      clock.advance({ days: 11 });
      await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'purchase', properties: { amount: 3, card: '5500' } });
      expect((await crm.privacy.runRetention()).interactions?.count).toBe(1);
      expect((await crm.privacy.runRetention()).interactions?.count).toBe(0);
      const items = (await crm.interactions.timeline(customer.id)).items;
      expect(items.map((item) => item.properties)).toEqual([{ amount: 3, card: '5500' }, { amount: 9 }]);
    });

    it('runs plugin contributors; a failing one leaves the core untouched and the request failed', async () => {
      const held = new Map<string, string>();
      let failing = true;
      const contributor = definePlugin({
        name: 'external-crm',
        contributes: {
          privacy: [
            {
              name: 'mirror',
              export: async ({ customerId }) => ({ mirrored: held.get(customerId) ?? null }),
              erase: async ({ customerId }) => {
                if (failing) throw new Error('remote down');
                held.delete(customerId);
              },
            },
          ],
        },
      });
      const { crm } = await crmFor(ctx, undefined, { plugins: [contributor] });
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `${uniqueId('ext')}@example.com` }] });
      held.set(customer.id, 'remote-copy');
      expect((await crm.privacy.export(customer.id)).contributions).toEqual([
        { plugin: 'external-crm', name: 'mirror', data: { mirrored: 'remote-copy' } },
      ]);
      await expectCode(crm.privacy.erase(customer.id, { mode: 'delete' }), 'PRIVACY_CONTRIBUTOR_FAILED');
      expect((await crm.customers.get(customer.id)).id).toBe(customer.id);
      const failed = (await crm.privacy.requests({ kind: 'erasure' })).items[0];
      expect(failed).toMatchObject({ status: 'failed' });
      failing = false;
      await crm.privacy.erase(customer.id, { mode: 'delete' });
      expect(held.has(customer.id)).toBe(false);
      await expectCode(crm.customers.get(customer.id), 'CUSTOMER_NOT_FOUND');
    });

    it('rejects bad input with typed errors naming the field', async () => {
      const { crm } = await crmFor(ctx);
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `${uniqueId('bad')}@example.com` }] });
      await expectCode(crm.privacy.erase('no-such-customer', { mode: 'delete' }), 'CUSTOMER_NOT_FOUND');
      await expectCode(crm.privacy.export('no-such-customer'), 'CUSTOMER_NOT_FOUND');
      await expectCode(crm.privacy.erase(customer.id, { mode: 'shred' } as never), 'INVALID_INPUT', ['options', 'mode']);
      await expectCode(crm.privacy.erase(customer.id, undefined as never), 'INVALID_INPUT', ['options']);
      await expectCode(crm.privacy.erase(customer.id, { mode: 'delete', force: true } as never), 'INVALID_INPUT');
      await expectCode(crm.privacy.erase('' as never, { mode: 'delete' }), 'INVALID_INPUT', ['customerId']);
      await expectCode(crm.privacy.export(42 as never), 'INVALID_INPUT', ['customerId']);
      await expectCode(crm.privacy.isSuppressed({ type: 'email', value: 'not-an-email' }), 'INVALID_INPUT');
      await expectCode(
        crm.privacy.suppressedAmong([
          { type: 'email', value: 'ok@example.com' },
          { type: 'email', value: 'not-an-email' },
        ]),
        'INVALID_INPUT',
        ['identities', 1, 'value'],
      );
      await expectCode(crm.privacy.suppressedAmong('x' as never), 'INVALID_INPUT', ['identities']);
      await expectCode(crm.privacy.requests({ limit: 0 }), 'INVALID_INPUT', ['query', 'limit']);
      await expectCode(crm.privacy.refuse({ kind: 'access', customerId: customer.id, basis: ' ' }), 'INVALID_INPUT', ['input', 'basis']);
      await expectCode(crmFor(ctx, undefined, { privacy: { requestLogRetentionDays: 0 } }), 'INVALID_OPTIONS', [
        'options',
        'privacy',
        'requestLogRetentionDays',
      ]);
      await expectCode(
        crmFor(ctx, undefined, { privacy: { retention: { interactions: { days: 5, action: 'shred' } } } as never }),
        'INVALID_OPTIONS',
        ['options', 'privacy', 'retention', 'interactions', 'action'],
      );
      // Nothing was erased by the refused calls.
      expect((await crm.customers.get(customer.id)).identities).toHaveLength(1);
    });
  });
}

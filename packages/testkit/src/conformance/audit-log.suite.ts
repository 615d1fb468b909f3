import { type AuditEntry, isRapportError, uuidV7Ids } from '@rapport/core';
import { auditEntriesTable, auditEntryHash, auditHeadsTable } from '@rapport/core/storage';
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../fixtures/builders.js';
import { createTestCrm } from '../test-crm.js';
import { allPages, type ConformanceContext } from './context.js';

type Summary = Pick<AuditEntry, 'actorId' | 'operation' | 'customerId' | 'outcome' | 'detail'>;
const summary = ({ actorId, operation, customerId, outcome, detail }: AuditEntry): Summary => ({
  actorId,
  operation,
  customerId,
  outcome,
  detail,
});

/** The hash-chained audit log on one storage: one entry per operation, in its transaction; tampering found; concurrent writers. */
export function auditLogSuite(ctx: ConformanceContext, rounds: number): void {
  describe(`${ctx.name}: the audit log`, () => {
    const setUp = (tenant = uniqueId('audit')) =>
      createTestCrm({
        storage: ctx.storage(),
        tenant,
        audit: true,
        ids: uuidV7Ids,
        jobs: {
          'test.touch': async ({ crm, job }) => {
            await crm.customers.tag((job.payload as { customerId: string }).customerId, 'touched');
          },
        },
      });
    const everything = (crm: Awaited<ReturnType<typeof setUp>>) => allPages((cursor) => crm.audit.list({ cursor, limit: 100 }));

    it('writes one entry per write, consent change and read of personal data, naming actor and customer', async () => {
      const crm = await setUp();
      const agent = crm.as({
        id: 'agent-7',
        kind: 'user',
        permissions: ['customers:write', 'customers:read', 'consent:write', 'pii:read'],
      });
      const { customer: ada } = await agent.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
      const { customer: bob } = await agent.customers.upsert({ identities: [{ type: 'email', value: 'bob@example.com' }] });
      await agent.customers.update(ada.id, { traits: { name: 'Ada' } });
      await agent.interactions.record({ customerId: ada.id, channel: 'web', type: 'page.viewed', idempotencyKey: 'v1' });
      await agent.interactions.record({ customerId: ada.id, channel: 'web', type: 'page.viewed', idempotencyKey: 'v1' }); // a duplicate: nothing written
      await agent.interactions.recordMany([
        { customerId: ada.id, channel: 'pos', type: 'purchase' },
        { customerId: bob.id, channel: 'pos', type: 'purchase' },
      ]);
      await agent.consent.grant({ customerId: ada.id, purpose: 'marketing', channel: 'email', source: 'form' });
      await agent.customers.get(ada.id);
      // Without pii:read the read is masked, so no personal data was read: no entry.
      await crm.as({ id: 'viewer', kind: 'user', permissions: ['customers:read'] }).customers.get(ada.id);
      await crm.customers.tag(bob.id, 'vip'); // the default actor
      const entries = await everything(crm);
      expect(entries.map(summary)).toEqual([
        { actorId: 'agent-7', operation: 'customers.upsert', customerId: ada.id, outcome: 'ok', detail: null },
        { actorId: 'agent-7', operation: 'customers.upsert', customerId: bob.id, outcome: 'ok', detail: null },
        { actorId: 'agent-7', operation: 'customers.update', customerId: ada.id, outcome: 'ok', detail: null },
        { actorId: 'agent-7', operation: 'interactions.record', customerId: ada.id, outcome: 'ok', detail: null },
        ...[ada.id, bob.id]
          .sort()
          .map((customerId) => ({ actorId: 'agent-7', operation: 'interactions.recordMany', customerId, outcome: 'ok', detail: null })),
        { actorId: 'agent-7', operation: 'consent.grant', customerId: ada.id, outcome: 'ok', detail: null },
        { actorId: 'agent-7', operation: 'customers.get', customerId: ada.id, outcome: 'ok', detail: 'read' },
        { actorId: 'app', operation: 'customers.tag', customerId: bob.id, outcome: 'ok', detail: null },
      ]);
      expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
      expect((await crm.audit.list({ customerId: bob.id })).items.map((entry) => entry.operation)).toEqual([
        'customers.upsert',
        'interactions.recordMany',
        'customers.tag',
      ]);
      expect((await crm.audit.list({ actorId: 'app' })).items).toHaveLength(1);
      expect(await crm.audit.verify()).toEqual({ ok: true, entries: entries.length });
      await crm.close();
    });

    it('logs a merge under both customers, a refused call as forbidden, and a job as the system actor', async () => {
      const crm = await setUp();
      const { customer: a } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'a@example.com' }] });
      const { customer: b } = await crm.customers.upsert({ identities: [{ type: 'phone', value: '+447911123456' }] });
      const before = (await everything(crm)).length;
      await crm.customers.merge(a.id, b.id);
      const reader = crm.as({ id: 'reader', kind: 'user', permissions: ['customers:read'] });
      const refused = await reader.customers.tag(a.id, 'x').catch((error: unknown) => error);
      expect(isRapportError(refused, 'ACCESS_FORBIDDEN')).toBe(true);
      await crm.jobs.enqueue({ type: 'test.touch', payload: { customerId: a.id } });
      expect(await crm.workers().drain()).toBe(1);
      const added = (await everything(crm)).slice(before).map(summary);
      expect(added).toEqual([
        ...[a.id, b.id]
          .sort()
          .map((customerId) => ({ actorId: 'app', operation: 'customers.merge', customerId, outcome: 'ok', detail: null })),
        { actorId: 'reader', operation: 'customers.tag', customerId: null, outcome: 'forbidden', detail: 'customers:write' },
        { actorId: 'system', operation: 'customers.tag', customerId: a.id, outcome: 'ok', detail: null },
      ]);
      expect((await crm.audit.verify()).ok).toBe(true);
      await crm.close();
    });

    it('leaves no entry for an operation that rolls back', async () => {
      const crm = await createTestCrm({
        storage: ctx.storage(),
        audit: true,
        hooks: { 'interaction.beforeRecord': (input, { veto }) => (input.type === 'refund' ? veto('no refunds') : undefined) },
      });
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'r@example.com' }] });
      const vetoed = await crm.interactions
        .record({ customerId: customer.id, channel: 'pos', type: 'refund' })
        .catch((error: unknown) => error);
      expect(isRapportError(vetoed, 'HOOK_VETOED')).toBe(true);
      const stale = await crm.customers
        .update(customer.id, { traits: { name: 'X' }, expectedVersion: 99 })
        .catch((error: unknown) => error);
      expect(isRapportError(stale, 'CUSTOMER_VERSION_CONFLICT')).toBe(true);
      const taken = await crm.customers
        .create({ identities: [{ type: 'email', value: 'r@example.com' }] })
        .catch((error: unknown) => error);
      expect(isRapportError(taken, 'IDENTITY_TAKEN')).toBe(true);
      expect((await everything(crm)).map((entry) => entry.operation)).toEqual(['customers.upsert']);
      expect(await crm.audit.verify()).toEqual({ ok: true, entries: 1 });
      await crm.close();
    });

    it('detects an edited, a deleted, an inserted entry, an edited customer id and a dropped tail', async () => {
      const crm = await setUp();
      for (let n = 0; n < 5; n++) await crm.customers.upsert({ identities: [{ type: 'email', value: `t${n}@example.com` }] });
      const entries = crm.storage.forTenant(crm.tenantId).table(auditEntriesTable);
      const heads = crm.storage.forTenant(crm.tenantId).table(auditHeadsTable);
      expect(await crm.audit.verify()).toEqual({ ok: true, entries: 5 });
      const third = await entries.get({ seq: 3 });
      if (!third) throw new Error('no third entry');

      await entries.update({ seq: 3 }, { operation: 'customers.get' });
      expect(await crm.audit.verify()).toEqual({ ok: false, entries: 2, brokenAt: 3, reason: 'hash' });
      await entries.update({ seq: 3 }, { operation: third.operation });
      expect((await crm.audit.verify()).ok).toBe(true);

      await entries.update({ seq: 3 }, { subject: 'someone-else' });
      expect(await crm.audit.verify()).toEqual({ ok: false, entries: 2, brokenAt: 3, reason: 'subject' });
      await entries.update({ seq: 3 }, { subject: third.subject });

      await entries.delete({ seq: 3 });
      expect(await crm.audit.verify()).toEqual({ ok: false, entries: 2, brokenAt: 3, reason: 'missing' });
      await entries.insert(third);
      expect((await crm.audit.verify()).ok).toBe(true);

      // An entry appended by hand with a correct hash still disagrees with the chain's head.
      const last = await entries.get({ seq: 5 });
      const forged = { ...third, seq: 6, id: 'forged', subject: null, subjectDigest: null };
      const { subject: _s, hash: _h, ...content } = forged;
      await entries.insert({ ...forged, hash: auditEntryHash(last?.hash ?? '', content) });
      expect(await crm.audit.verify()).toEqual({ ok: false, entries: 6, brokenAt: 6, reason: 'head' });
      await entries.delete({ seq: 6 });
      // Deleting the newest entry is caught by the head too.
      await entries.delete({ seq: 5 });
      expect(await crm.audit.verify()).toEqual({ ok: false, entries: 4, brokenAt: 5, reason: 'head' });
      if (last) await entries.insert(last);
      expect((await crm.audit.verify()).ok).toBe(true);
      expect((await heads.get({ chain: 'main' }))?.seq).toBe(5);
      await crm.close();
    });

    it('forgets an erased customer in their entries and still verifies', async () => {
      const crm = await setUp();
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'gone@example.com' }] });
      const { customer: other } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'stays@example.com' }] });
      await crm.customers.tag(customer.id, 'a');
      expect(await crm.audit.forget(customer.id)).toBe(2);
      expect((await crm.audit.list({ customerId: customer.id })).items).toEqual([]);
      const entries = await everything(crm);
      expect(entries.map((entry) => entry.customerId)).toEqual([null, other.id, null]);
      expect(JSON.stringify(entries)).not.toContain(customer.id);
      expect(await crm.audit.verify()).toEqual({ ok: true, entries: 3 });
      await crm.close();
    });

    it('erasure forgets the person in every entry before it, and the chain still verifies', async () => {
      const crm = await setUp();
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'erased@example.com' }] });
      const { customer: twin } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'erased.twin@example.com' }] });
      await crm.customers.merge(customer.id, twin.id);
      const before = (await everything(crm)).length;
      await crm.privacy.erase(customer.id, { mode: 'delete' });
      const entries = await everything(crm);
      // The erasure itself is an entry (proof it happened); every earlier one has lost its subject.
      expect(entries.length).toBeGreaterThan(before);
      expect(JSON.stringify(entries.slice(0, before))).not.toContain(customer.id);
      expect(JSON.stringify(entries.slice(0, before))).not.toContain(twin.id);
      expect(await crm.audit.verify()).toMatchObject({ ok: true });
      await crm.close();
    });

    it(`starts one chain when the first writes of a tenant race on three Crm instances (${Math.max(3, Math.round(rounds / 4))} tenants)`, async () => {
      for (let run = 0; run < Math.max(3, Math.round(rounds / 4)); run++) {
        const tenant = uniqueId('audit-start');
        const instances = await Promise.all([setUp(tenant), setUp(tenant), setUp(tenant)]);
        await Promise.all(
          instances.flatMap((crm, index) =>
            [0, 1, 2].map((n) => crm.customers.upsert({ identities: [{ type: 'email', value: `s${index}-${n}@example.com` }] })),
          ),
        );
        const [first] = instances;
        expect(await first?.audit.verify()).toEqual({ ok: true, entries: 9 });
        for (const crm of instances) await crm.close();
      }
    });

    it(`keeps one valid chain with one entry per operation under concurrent writers on three Crm instances (${rounds} rounds)`, async () => {
      const tenant = uniqueId('audit-race');
      const instances = await Promise.all([setUp(tenant), setUp(tenant), setUp(tenant)]);
      const [first] = instances;
      if (!first) throw new Error('no Crm');
      const { customer: shared } = await first.customers.upsert({ identities: [{ type: 'email', value: 'shared@example.com' }] });
      let operations = 1;
      for (let round = 0; round < rounds; round++) {
        const work = instances.flatMap((crm, index) => [
          crm.customers.upsert({ identities: [{ type: 'email', value: `r${round}-${index}@example.com` }] }),
          crm.interactions.record({ customerId: shared.id, channel: 'web', type: 'page.viewed', idempotencyKey: `r${round}-${index}` }),
          crm.customers.tag(shared.id, `t${round}-${index}`),
        ]);
        await Promise.all(work);
        operations += work.length;
      }
      const entries = await everything(first);
      expect(entries).toHaveLength(operations);
      expect(new Set(entries.map((entry) => entry.seq)).size).toBe(operations);
      expect(entries.filter((entry) => entry.operation === 'customers.tag')).toHaveLength(rounds * 3);
      expect(await first.audit.verify()).toEqual({ ok: true, entries: operations });
      for (const crm of instances) await crm.close();
    });
  });
}

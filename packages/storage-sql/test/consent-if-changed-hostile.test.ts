import { createTestCrm } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { freshStorages, useFreshStorage } from './fresh-storages.js';

// consent `ifChanged: true` when the status is the same but the grant's terms are not, on every storage.
const targets = await freshStorages();

describe.each(targets.map((target) => [target.name, target] as const))('consent ifChanged under attack on %s', (_name, target) => {
  const storageOf = useFreshStorage(target);
  const scope = { purpose: 'marketing', channel: 'email' } as const;

  it('renews a lapsed grant (a new expiry is a change), once when two renewals race (10 rounds)', async () => {
    const crm = await createTestCrm({ storage: storageOf(), tenant: `ifchanged-${Math.random().toString(36).slice(2, 8)}` });
    for (let round = 0; round < 10; round++) {
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `r${round}@example.com` }] });
      const inTwoDays = new Date(crm.clock.now().getTime() + 2 * 86_400_000);
      await crm.consent.grant({ customerId: customer.id, ...scope, source: 'form', expiresAt: inTwoDays, ifChanged: true });
      // The same grant again: nothing changes, nothing is written.
      await crm.consent.grant({ customerId: customer.id, ...scope, source: 'form', expiresAt: inTwoDays, ifChanged: true });
      expect(await crm.consent.history(customer.id), `round ${round}`).toHaveLength(1);
      crm.clock.advance({ days: 3 });
      expect((await crm.consent.check({ customerId: customer.id, ...scope })).allowed, `round ${round}`).toBe(false);
      const renewal = {
        customerId: customer.id,
        ...scope,
        source: 'form',
        expiresAt: new Date(crm.clock.now().getTime() + 30 * 86_400_000),
        ifChanged: true,
      };
      await Promise.all([crm.consent.grant(renewal), crm.consent.grant(renewal)]);
      expect((await crm.consent.check({ customerId: customer.id, ...scope })).allowed, `round ${round}`).toBe(true);
      expect(await crm.consent.history(customer.id), `round ${round}`).toHaveLength(2);
    }
    await crm.close();
  });

  it('writes a grant under a new notice version; a withdrawal twice is still one', async () => {
    const crm = await createTestCrm({ storage: storageOf(), tenant: `ifchanged-n-${Math.random().toString(36).slice(2, 8)}` });
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'n@example.com' }] });
    await crm.consent.grant({ customerId: customer.id, ...scope, source: 'form', noticeVersion: 'v1', ifChanged: true });
    await crm.consent.grant({ customerId: customer.id, ...scope, source: 'form', noticeVersion: 'v2', ifChanged: true });
    expect((await crm.consent.history(customer.id)).map((record) => record.noticeVersion)).toEqual(['v1', 'v2']);
    await crm.consent.withdraw({ customerId: customer.id, ...scope, source: 'stop', ifChanged: true });
    await crm.consent.withdraw({ customerId: customer.id, ...scope, source: 'stop-again', ifChanged: true });
    expect((await crm.consent.history(customer.id)).map((record) => record.status)).toEqual(['granted', 'granted', 'withdrawn']);
    await crm.close();
  });
});

import { createCrm, memoryStorage } from '@rapport/core';
import { describe, expect, it } from 'vitest';

describe('consent changes with ifChanged', () => {
  it('writes nothing and tells nothing when the latest record already has the status; writes when it differs', async () => {
    const crm = await createCrm({ storage: memoryStorage() });
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
    const changes: string[] = [];
    crm.events.on('consent.changed', ({ record }) => void changes.push(record.status));
    const change = { customerId: customer.id, purpose: 'marketing', channel: 'sms', source: 'test', ifChanged: true } as const;
    const first = await crm.consent.withdraw(change); // nothing recorded yet: a withdrawal is a change
    const again = await crm.consent.withdraw(change);
    expect(again.id).toBe(first.id);
    // Another channel or purpose is another latest record.
    await crm.consent.withdraw({ ...change, channel: 'email' });
    const granted = await crm.consent.grant(change);
    const grantedAgain = await crm.consent.grant(change);
    expect(grantedAgain.id).toBe(granted.id);
    // Without ifChanged every call is recorded, as before.
    await crm.consent.grant({ ...change, ifChanged: false });
    const history = await crm.consent.history(customer.id);
    expect(history.map((record) => [record.channel, record.status])).toEqual([
      ['sms', 'withdrawn'],
      ['email', 'withdrawn'],
      ['sms', 'granted'],
      ['sms', 'granted'],
    ]);
    expect(changes).toEqual(['withdrawn', 'withdrawn', 'granted', 'granted']);
    await crm.close();
  });
});

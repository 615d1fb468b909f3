import { createCrm, memoryStorage } from '@rapport/core';
import { describe, expect, it } from 'vitest';

// docs/concepts.md#events and the EventBus TSDoc say listeners are told after the commit,
// before the call returns, and are not awaited. If that changes, so must the docs.
describe('event delivery', () => {
  it('calls listeners before the call returns, without waiting for an async listener', async () => {
    const crm = await createCrm({ storage: memoryStorage() });
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const steps: string[] = [];
    let finished: Promise<void> = Promise.resolve();
    crm.events.on('interaction.recorded', ({ interaction }) => {
      steps.push('listener called');
      finished = (async () => {
        await gate;
        await crm.customers.tag(interaction.customerId, ['engaged']);
        steps.push('listener done');
      })();
      return finished;
    });

    await crm.interactions.record({ customerId: customer.id, channel: 'web', type: 'page_view' });
    expect(steps).toEqual(['listener called']);
    expect((await crm.customers.get(customer.id)).tags).not.toContain('engaged');

    release();
    await finished;
    expect(steps).toEqual(['listener called', 'listener done']);
    expect((await crm.customers.get(customer.id)).tags).toContain('engaged');
    await crm.close();
  });
});

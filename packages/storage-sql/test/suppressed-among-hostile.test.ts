import { isRapportError } from '@rapport/core';
import { createTestCrm } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { freshStorages, useFreshStorage } from './fresh-storages.js';

// crm.privacy.suppressedAmong against hostile lists, on every storage.
const targets = await freshStorages();

describe.each(targets.map((target) => [target.name, target] as const))('suppressedAmong under attack on %s', (_name, target) => {
  const storageOf = useFreshStorage(target);

  it('answers 5,000 identities with duplicates in order, and refuses holes and wrong shapes naming the index', async () => {
    const crm = await createTestCrm({ storage: storageOf(), tenant: `supp-${Math.random().toString(36).slice(2, 8)}` });
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'Gone@Example.com' }] });
    await crm.privacy.erase(customer.id, { mode: 'delete' });
    const identities = Array.from({ length: 5_000 }, (_, index) =>
      index % 7 === 0 ? { type: 'email' as const, value: 'gone@example.COM' } : { type: 'email' as const, value: `p${index}@example.com` },
    );
    const answers = await crm.privacy.suppressedAmong(identities);
    expect(answers).toHaveLength(5_000);
    expect(answers.every((answer, index) => answer === (index % 7 === 0))).toBe(true);
    expect(await crm.privacy.suppressedAmong([])).toEqual([]);
    const refusal = async (input: unknown) => {
      const error = await crm.privacy.suppressedAmong(input as never).then(
        () => null,
        (caught: unknown) => caught,
      );
      return isRapportError(error)
        ? { code: error.code, paths: (error as { issues?: { path: unknown[] }[] }).issues?.map((issue) => issue.path[1]) }
        : error;
    };
    // biome-ignore lint/suspicious/noSparseArray: a hole is the hostile input.
    expect(await refusal([{ type: 'email', value: 'a@example.com' }, , { type: 'email', value: 'b@example.com' }])).toMatchObject({
      code: expect.any(String),
      paths: [1],
    });
    expect(await refusal([{ type: 'email', value: 42 }])).toMatchObject({ code: expect.any(String), paths: [0] });
    expect(await refusal('gone@example.com')).toMatchObject({ code: expect.any(String) });
    await crm.close();
  });
});

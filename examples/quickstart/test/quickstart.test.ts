import { memoryStorage } from '@rapport/core';
import { sqlite } from '@rapport/storage-sql';
import { expect, it } from 'vitest';
import { runQuickstart } from '../src/quickstart.js';

it.each([
  ['embedded SQLite', () => sqlite({ filename: ':memory:' })],
  ['memory storage', () => memoryStorage()],
])('runs the quickstart story end to end on %s', async (_name, makeStorage) => {
  const lines: string[] = [];
  const crm = await runQuickstart(makeStorage(), (line) => lines.push(line));
  const output = lines.join('\n');
  expect(output).toContain('e-mail stored as ada.lovelace@example.com');
  expect(output).toMatch(/merged into \S+; 3 identities: /);
  expect(output).toContain('stored 2, duplicates 1, rejected 1');
  expect(output).toContain('rejected item 3: Invalid input — properties.amount: the amount of a purchase must be a finite number');
  expect(output).toContain('marketing by sms: unknown; by e-mail: granted');
  expect(output).toContain('spend £209.50 over 2 purchases; 3 interactions');
  expect(output).toContain('segments: High value, e-mail opt-in');
  const list = await crm.customers.list();
  expect(list.items).toHaveLength(1);
  await crm.close();
});

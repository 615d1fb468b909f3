import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStorage } from '@rapport/core';
import { sqlite } from '@rapport/storage-sql/sqlite';
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
  expect(output).toContain('segment "High value, e-mail opt-in": created');
  expect(output).toContain('segments (1): "High value, e-mail opt-in"');
  const list = await crm.customers.list();
  expect(list.items).toHaveLength(1);
  await crm.close();
});

it('runs twice on one SQLite file: the second run finds everything in place and changes no figure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-quickstart-'));
  const filename = join(dir, 'crm.db');
  try {
    const runs: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const lines: string[] = [];
      const crm = await runQuickstart(sqlite({ filename }), (line) => lines.push(line));
      expect((await crm.customers.list()).items).toHaveLength(1);
      await crm.close();
      runs.push(lines);
    }
    const [first = [], second = []] = runs;
    expect(first.join('\n')).toContain('stored 2, duplicates 1, rejected 1');
    expect(second.join('\n')).toContain('stored 0, duplicates 3, rejected 1');
    expect(second.join('\n')).toContain('segment "High value, e-mail opt-in": unchanged');
    expect(second.join('\n')).toContain('entered: nobody new');
    // The 360° view is the same: identities, spend, interactions, consent and segments.
    const view = (lines: string[]) => lines.slice(lines.indexOf('7. The 360° view') + 1);
    expect(view(second)).toEqual(view(first));
    expect(view(second)).toContain('   spend £209.50 over 2 purchases; 3 interactions');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

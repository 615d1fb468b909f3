import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createCrm } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { dialectTargets } from '../../storage-sql/test/dialect-targets.js';
import { conversations } from '../src/conversations/conversations-plugin.js';
import { channelPlugins, twilioInbound } from './inbound-fixtures.js';

const root = join(import.meta.dirname, '..', '..', '..');
const targets = await dialectTargets();

/** Runs fixtures/inbound-child.ts until it prints "placed", then SIGKILLs it; resolves with how it ended. */
function receiveAndKill(args: string[]): Promise<{ signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'inbound-child.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('placed\n')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (_code, signal) => resolve({ signal, stdout, stderr })));
}

describe.each(targets.map((target) => [target.name, target] as const))('inbound SMS interrupted by SIGKILL on %s', (_name, target) => {
  it('leaves the message placed once, and the redelivered webhook records its interaction once', async () => {
    const database = await target.fresh();
    const phone = '+447911123456';
    try {
      const exit = await receiveAndKill([target.name, database.location, 'crash', phone, 'SM-crash']);
      expect(exit.signal, exit.stderr).toBe('SIGKILL');
      expect(exit.stdout).not.toContain('finished');

      const crm = await createCrm({ storage: await database.open(), tenant: 'crash', plugins: [...channelPlugins(), conversations()] });
      const customer = await crm.customers.find({ type: 'phone', value: phone });
      expect(customer).not.toBeNull();
      const customerId = customer?.id ?? '';
      const [conversation] = (await crm.conversations.list(customerId)).items;
      expect(conversation?.messageCount).toBe(1);
      expect((await crm.interactions.timeline(customerId)).items).toEqual([]); // killed before the timeline write

      // The provider redelivers: the placement is found (a duplicate), and the interaction is written now, once.
      const request = twilioInbound({ From: phone, Body: 'Is my order late?', MessageSid: 'SM-crash' });
      for (let delivery = 0; delivery < 2; delivery++) {
        const [outcome] = (await crm.conversations.receive('sms', request)).outcomes;
        expect(outcome).toMatchObject({ status: 'duplicate', conversationId: conversation?.id });
      }
      const timeline = (await crm.interactions.timeline(customerId)).items;
      expect(timeline.map((item) => [item.type, item.properties.conversationId])).toEqual([['message.received', conversation?.id]]);
      expect((await crm.conversations.get(conversation?.id ?? '')).messages).toHaveLength(1);
      await crm.close();
    } finally {
      await database.cleanup();
    }
  }, 60_000);
});

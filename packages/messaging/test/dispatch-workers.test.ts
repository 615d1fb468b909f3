import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createCrm } from '@rapport/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectTargets } from '../../storage-sql/test/dialect-targets.js';
import { messaging } from '../src/index.js';
import { httpChannel } from './fixtures/http-channel.js';

const targets = (await dialectTargets()).filter((target) => target.name !== 'mysql');
const root = join(import.meta.dirname, '..', '..', '..');

/** A provider on node:http: records every request's idempotency key; one effect per key. */
class Provider {
  readonly requests: string[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const key = String(request.headers['idempotency-key']);
      this.requests.push(key);
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `p-${key}` })));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/messages`;
  }

  /** Requests per idempotency key. */
  perKey(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const key of this.requests) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  }

  reset(): void {
    this.requests.length = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const provider = new Provider();
beforeAll(() => provider.start());
afterAll(() => provider.stop());

function startWorker(args: string[]) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'dispatch-worker-child.ts'), ...args],
    { cwd: root, env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { exited, kill: () => child.kill('SIGKILL') };
}

describe.each(targets.map((target) => [target.name, target] as const))('message dispatch in several processes on %s', (_name, target) => {
  it('resends with the same idempotency key after a worker is SIGKILLed between the provider call and marking the row sent; one effect', async () => {
    provider.reset();
    const database = await target.fresh();
    try {
      const crm = await createCrm({ storage: await database.open(), tenant: 'kill', plugins: [httpChannel(provider.url), messaging()] });
      const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ada@example.com' }] });
      const { messageId } = await crm.messages.send({
        customerId: customer.id,
        purpose: 'transactional',
        content: { text: 'Your receipt' },
      });
      await crm.close();
      const hanging = startWorker([target.name, database.location, 'kill', provider.url, 'hang', '1']);
      while (provider.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      hanging.kill();
      expect((await hanging.exited).signal).toBe('SIGKILL');
      const worker = startWorker([target.name, database.location, 'kill', provider.url, 'work', '1']);
      const exit = await worker.exited;
      expect(exit.code, exit.stderr).toBe(0);
      // Two calls, one key: the provider acted once.
      expect(provider.requests).toEqual([messageId, messageId]);
      expect(provider.perKey().size).toBe(1);
      const after = await createCrm({ storage: await database.open(), tenant: 'kill', plugins: [httpChannel(provider.url), messaging()] });
      expect(await after.messages.get(messageId)).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: `p-${messageId}` });
      expect((await after.interactions.timeline(customer.id, { types: ['message.sent'] })).items).toHaveLength(1);
      await after.close();
    } finally {
      await database.cleanup();
    }
  }, 120_000);

  it('sends each of 400 messages once with 8 workers in 4 processes claiming at once (counted at the provider)', async () => {
    provider.reset();
    const database = await target.fresh();
    try {
      const crm = await createCrm({ storage: await database.open(), tenant: 'fleet', plugins: [httpChannel(provider.url), messaging()] });
      const inputs = [];
      for (let n = 0; n < 40; n++) {
        const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `c${n}@example.com` }] });
        for (let m = 0; m < 10; m++) inputs.push({ customerId: customer.id, purpose: 'transactional', content: { text: `n${m}` } });
      }
      const outcomes = await crm.messages.sendMany(inputs);
      const ids = new Set(outcomes.map((outcome) => (outcome as { messageId: string }).messageId));
      expect(ids.size).toBe(400);
      await crm.close();
      const workers = Array.from({ length: 4 }, () => startWorker([target.name, database.location, 'fleet', provider.url, 'work', '2']));
      for (const exit of await Promise.all(workers.map((worker) => worker.exited))) expect(exit.code, exit.stderr).toBe(0);
      const perKey = provider.perKey();
      expect(new Set(perKey.keys())).toEqual(ids);
      expect([...perKey.values()].filter((count) => count !== 1)).toEqual([]);
      const after = await createCrm({ storage: await database.open(), tenant: 'fleet', plugins: [httpChannel(provider.url), messaging()] });
      expect((await after.messages.list({ status: 'sent', limit: 1000 })).items).toHaveLength(400);
      await after.close();
    } finally {
      await database.cleanup();
    }
  }, 180_000);
});

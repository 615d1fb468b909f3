import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm, type Storage } from '@rapport/core';
import { type Channel, definePlugin, defineToken, type OutboundMessage, type SendOptions, type SendResult } from '@rapport/core/plugin';
import { messaging } from '@rapport/messaging';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import pg from 'pg';
import { timed } from './machine.js';

const TENANT = 'bench';
const CUSTOMERS = 1_000;
const SEND_BATCH = 1_000;
// Claims as large as a dispatch batch (100), for the hub and the bare queue alike.
const CLAIM_BATCH = 100;

/** Result of one messaging dispatch benchmark. */
export interface MessagingResult {
  target: string;
  workers: number;
  messages: number;
  messagesPerSecond: number;
  /** Bare no-op jobs run the same way, in the same run: the queue's own ceiling. */
  bareJobsPerSecond: number;
  ratio: number;
  /** Messages the channel was asked to send more than once (must be 0). */
  sentTwice: number;
}

/** A channel that does nothing but count calls per idempotency key. */
class NoopChannel implements Channel {
  readonly id = 'email';
  readonly addresses = ['email'] as const;
  readonly capabilities = [] as const;
  readonly calls = new Map<string, number>();
  onCall: () => void = () => undefined;

  async send(_message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    this.calls.set(options.idempotencyKey, (this.calls.get(options.idempotencyKey) ?? 0) + 1);
    this.onCall();
    return { status: 'sent', providerMessageId: options.idempotencyKey };
  }
}

const NOOP = defineToken<Channel>('bench:noop-channel');
const noopChannel = (channel: NoopChannel) =>
  definePlugin({
    name: 'bench-noop-channel',
    contributes: { channels: [{ id: 'email', token: NOOP }] },
    register({ container }) {
      container.value(NOOP, channel);
    },
  });

/**
 * Queues `total` marketing messages to 1,000 consenting customers (not timed), then times
 * `workers` worker sets dispatching them through a no-op channel until each was sent.
 */
async function dispatchThroughHub(
  storage: Storage,
  total: number,
  workers: number,
  afterQueueing: () => Promise<void> = async () => undefined,
): Promise<{ ms: number; sentTwice: number }> {
  const channel = new NoopChannel();
  const crm = await createCrm({ storage, tenant: TENANT, plugins: [noopChannel(channel), messaging()] });
  const ids: string[] = [];
  for (let n = 0; n < CUSTOMERS; n++) {
    const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `c${n}@example.com` }] });
    await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', channel: 'email', source: 'bench' });
    ids.push(customer.id);
  }
  for (let start = 0; start < total; start += SEND_BATCH) {
    const inputs = Array.from({ length: Math.min(SEND_BATCH, total - start) }, (_, offset) => ({
      customerId: ids[(start + offset) % CUSTOMERS] as string,
      purpose: 'marketing',
      channel: 'email',
      content: { subject: 'Sale', text: `Message ${start + offset}` },
    }));
    const outcomes = await crm.messages.sendMany(inputs);
    if (outcomes.some((outcome) => outcome.outcome !== 'queued')) throw new Error('a message was not queued');
  }
  await afterQueueing();
  const { ms } = await timed(
    () =>
      new Promise<void>((resolve) => {
        const fleet = Array.from({ length: workers }, () => crm.startWorkers({ pollIntervalMs: 5, batchSize: CLAIM_BATCH }));
        channel.onCall = () => {
          if (channel.calls.size === total) void Promise.all(fleet.map((running) => running.stop())).then(() => resolve());
        };
      }),
  );
  const sent = await crm.messages.list({ status: 'sent', limit: 1 });
  if (sent.items.length === 0) throw new Error('no message was marked sent');
  await crm.close();
  return { ms, sentTwice: [...channel.calls.values()].filter((count) => count > 1).length };
}

/** The queue alone: `total` no-op jobs enqueued (not timed) and run the same way. */
async function bareJobs(
  storage: Storage,
  total: number,
  workers: number,
  afterQueueing: () => Promise<void> = async () => undefined,
): Promise<number> {
  let ran = 0;
  let done: () => void = () => undefined;
  const crm = await createCrm({
    storage,
    tenant: TENANT,
    jobs: {
      'bench.noop': () => {
        if (++ran === total) done();
      },
    },
  });
  for (let start = 0; start < total; start += 500) {
    await crm.jobs.enqueueMany(
      Array.from({ length: Math.min(500, total - start) }, (_, offset) => ({ type: 'bench.noop', payload: start + offset })),
    );
  }
  await afterQueueing();
  const { ms } = await timed(
    () =>
      new Promise<void>((resolve) => {
        const fleet = Array.from({ length: workers }, () => crm.startWorkers({ pollIntervalMs: 5, batchSize: CLAIM_BATCH }));
        done = () => void Promise.all(fleet.map((running) => running.stop())).then(() => resolve());
      }),
  );
  await crm.close();
  return ms;
}

function result(target: string, workers: number, messages: number, hubMs: number, bareMs: number, sentTwice: number): MessagingResult {
  const messagesPerSecond = (messages / hubMs) * 1000;
  const bareJobsPerSecond = (messages / bareMs) * 1000;
  return { target, workers, messages, messagesPerSecond, bareJobsPerSecond, ratio: messagesPerSecond / bareJobsPerSecond, sentTwice };
}

/** Dispatch on SQLite files, 1 and 4 workers, beside bare jobs. */
export async function messagingSqlite(total: number): Promise<MessagingResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-bench-messaging-'));
  const results: MessagingResult[] = [];
  try {
    for (const workers of [1, 4]) {
      const bareMs = await bareJobs(sqlite({ filename: join(dir, `bare-${workers}.db`) }), total, workers);
      const hub = await dispatchThroughHub(sqlite({ filename: join(dir, `hub-${workers}.db`) }), total, workers);
      results.push(result('sqlite', workers, total, hub.ms, bareMs, hub.sentTwice));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Gathers the planner's statistics (not timed), as autovacuum does on a running database
 * within a minute of a large change. The bench's tables are seconds old and were never
 * analyzed: without statistics PostgreSQL estimates a handful of rows per tenant and reads
 * 100 messages by key through the `(tenant, status)` index, scanning every queued row.
 */
function analyze(url: string): () => Promise<void> {
  return async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('analyze');
    } finally {
      await client.end();
    }
  };
}

/** Dispatch on PostgreSQL, 1 and 4 workers, beside bare jobs. */
export async function messagingPostgres(total: number, serverUrl: string): Promise<MessagingResult[]> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const urlOf = (name: string) => Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const names = { hub: 'rapport_bench_messaging', bare: 'rapport_bench_messaging_bare' };
  const results: MessagingResult[] = [];
  try {
    for (const workers of [1, 4]) {
      for (const name of Object.values(names)) {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.query(`create database ${name}`);
      }
      const bareMs = await bareJobs(
        await postgres({ connectionString: urlOf(names.bare), max: workers + 2 }),
        total,
        workers,
        analyze(urlOf(names.bare)),
      );
      const hub = await dispatchThroughHub(
        await postgres({ connectionString: urlOf(names.hub), max: workers + 2 }),
        total,
        workers,
        analyze(urlOf(names.hub)),
      );
      results.push(result('postgres', workers, total, hub.ms, bareMs, hub.sentTwice));
    }
    return results;
  } finally {
    for (const name of Object.values(names)) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

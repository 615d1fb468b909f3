import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { RECOMMEND_SCALE_SIZES } from './recommend-scale-data.js';

const run = promisify(execFile);

/** What one database's run of the recommendation scale bench measured. */
export interface RecommendScaleResult {
  target: string;
  interactions: number;
  customers: number;
  items: number;
  /** Item pairs with a count, after training. */
  pairs: number;
  /** The whole training job: read every feedback row through the storage, train, save, switch. */
  trainMs: number;
  trainPeakRssMiB: number;
  /** Reading the feedback through the storage, item-kNN counts alone, and the popularity baseline's training. */
  readMs: number;
  knnMs: number;
  popularityMs: number;
  /** A new Crm's first call: the stored model read back whole. */
  loadMs: number;
  serveP50Ms: number;
  serveP99Ms: number;
  popularityP50Ms: number;
  popularityP99Ms: number;
  updateP50Ms: number;
  updateP99Ms: number;
  baselineUpdateP99Ms: number;
}

async function step(mode: string, target: string, location: string, size: string): Promise<Record<string, number>> {
  const child = join(import.meta.dirname, 'recommend-scale-child.ts');
  // Only the loader flags: the parent's own argv (a script, `-e`) must not run again in the child.
  const flags = ['--expose-gc', '--conditions=source', '--import', 'tsx'];
  const { stdout } = await run(process.execPath, [...flags, child, mode, target, location, size], {
    maxBuffer: 16 * 2 ** 20,
    env: process.env,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, number>;
}

async function measure(
  target: string,
  location: string,
  size: keyof typeof RECOMMEND_SCALE_SIZES,
  afterSeed: () => Promise<void> = async () => undefined,
): Promise<RecommendScaleResult> {
  const seeded = await step('seed', target, location, size);
  await afterSeed();
  const trained = await step('train', target, location, size);
  const served = await step('serve', target, location, size);
  const shape = RECOMMEND_SCALE_SIZES[size];
  return {
    ...(trained as Omit<RecommendScaleResult, 'target'>),
    ...(served as Omit<RecommendScaleResult, 'target'>),
    target,
    interactions: seeded.rows as number,
    customers: shape.customers,
    items: shape.items,
  };
}

/** The scale bench on SQLite (a file in a temporary folder). */
export async function recommendScaleSqlite(size: keyof typeof RECOMMEND_SCALE_SIZES): Promise<RecommendScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-recscale-'));
  try {
    return await measure('sqlite', join(dir, 'recommend.db'), size);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The scale bench on PostgreSQL (a database of its own, dropped afterwards). */
export async function recommendScalePostgres(size: keyof typeof RECOMMEND_SCALE_SIZES, serverUrl: string): Promise<RecommendScaleResult> {
  const name = 'rapport_bench_recscale';
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
    // Statistics, as autovacuum would have them after a bulk load: with none, the planner reads a
    // page of the feedback table by bitmap scan and sort over every later row, once per page.
    const analyze = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('analyze');
      await client.end();
    };
    return await measure('postgres', url, size, analyze);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

import { CoreErrorCode, isRapportError, RapportError } from '@rapport/core';
import type { TenantStore } from '@rapport/core/plugin';
import { type Kysely, type SqlBool, sql } from 'kysely';
import { tenantStoreInternals } from '../sql-storage.js';
import { StorageErrorCode, wrapDriverError } from '../storage-errors.js';
import { type ReencryptTarget, reencryptTargets } from './reencrypt-targets.js';
import { reencryptionRuns } from './reencryption-runs.js';

// biome-ignore lint/suspicious/noExplicitAny: core and plugin tables alike, by physical name.
type AnyDb = Kysely<any>;
type DbRow = Record<string, unknown>;

/** Where a re-encryption run stands. */
export interface ReencryptionProgress {
  readonly runId: string;
  readonly done: boolean;
  /** Rows re-encrypted (from plaintext or an old key) so far. */
  readonly reencrypted: number;
  /** Rows a concurrent write changed first (it wrote them under the primary key). */
  readonly skipped: number;
  readonly batches: number;
}

/** Options of one stretch of a run. */
export interface ReencryptOptions {
  /** Rows per batch (one transaction). @default 500 */
  batchSize?: number;
  /** Stop after this many batches (the run stays resumable). */
  maxBatches?: number;
  /** Stop at the next batch boundary once aborted. */
  signal?: AbortSignal;
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * Walks every encrypted column of one tenant in key order, a batch per transaction, and
 * re-encrypts the values that are plaintext or under a key other than the primary. Each
 * update is conditional on the value read (on the version, for traits), so a concurrent write
 * is never overwritten: it already wrote under the primary key, and the row is skipped.
 */
export class Reencryptor {
  constructor(
    private readonly store: TenantStore,
    private readonly now: () => Date,
  ) {}

  /** Runs (or resumes) run `runId` until it is done or told to stop. */
  async run(runId: string, options: ReencryptOptions = {}): Promise<ReencryptionProgress> {
    const batchSize = options.batchSize ?? 500;
    let progress = await this.progress(runId);
    let batches = 0;
    while (!progress?.done && !options.signal?.aborted && (options.maxBatches === undefined || batches < options.maxBatches)) {
      progress = await this.retryingConflicts(() => this.batch(runId, batchSize));
      batches += 1;
    }
    return progress ?? (await this.progress(runId)) ?? emptyProgress(runId);
  }

  /** The checkpoint of run `runId`, or null before its first batch. */
  async progress(runId: string): Promise<ReencryptionProgress | null> {
    const row = await this.store.table(reencryptionRuns).get({ id: runId });
    return row ? { runId, done: row.done, reencrypted: row.reencrypted, skipped: row.skipped, batches: row.batches } : null;
  }

  /** How many stored rows still hold plaintext or values under an old key (reads everything). */
  async countStale(batchSize = 1000): Promise<number> {
    const { ctx, targets } = this.internals(this.store);
    let stale = 0;
    for (const target of targets) {
      let after: unknown[] | null = null;
      for (;;) {
        const rows = await this.page(ctx.db as AnyDb, ctx.tenantId, target, after, batchSize);
        stale += rows.filter((row) => Object.keys(target.reseal(row)).length > 0).length;
        if (rows.length < batchSize) break;
        after = target.key.map((column) => (rows.at(-1) as DbRow)[column]);
      }
    }
    return stale;
  }

  /** One batch and its checkpoint, in one transaction; a driver error becomes a Rapport error (a deadlock: `STORAGE_CONFLICT`). */
  private async batch(runId: string, batchSize: number): Promise<ReencryptionProgress> {
    const { dialect } = this.internals(this.store).ctx;
    try {
      return await this.batchInTransaction(runId, batchSize);
    } catch (error) {
      throw wrapDriverError(error, dialect, 're-encrypt a batch');
    }
  }

  private batchInTransaction(runId: string, batchSize: number): Promise<ReencryptionProgress> {
    return this.store.transaction(async (tx) => {
      const { ctx, targets } = this.internals(tx);
      const runs = tx.table(reencryptionRuns);
      const run = (await runs.get({ id: runId })) ?? {
        id: runId,
        target: 0,
        after: null,
        done: false,
        reencrypted: 0,
        skipped: 0,
        batches: 0,
        updatedAt: this.now(),
      };
      if (run.done) return { runId, ...run };
      const target = targets[run.target];
      let { reencrypted, skipped } = run;
      let next = { target: run.target, after: run.after as unknown[] | null };
      if (target) {
        const rows = await this.page(ctx.db as AnyDb, ctx.tenantId, target, run.after as unknown[] | null, batchSize);
        for (const row of rows) {
          const changes = target.reseal(row);
          if (Object.keys(changes).length === 0) continue;
          if (await this.update(ctx.db as AnyDb, ctx.tenantId, target, row, changes)) reencrypted += 1;
          else skipped += 1;
        }
        next =
          rows.length < batchSize
            ? { target: run.target + 1, after: null }
            : { target: run.target, after: target.key.map((column) => (rows.at(-1) as DbRow)[column]) };
      }
      const done = next.target >= targets.length;
      const saved = { ...run, ...next, done, reencrypted, skipped, batches: run.batches + 1, updatedAt: this.now() };
      await runs.upsert(saved);
      return { runId, done, reencrypted, skipped, batches: saved.batches };
    });
  }

  private page(db: AnyDb, tenantId: string, target: ReencryptTarget, after: readonly unknown[] | null, limit: number): Promise<DbRow[]> {
    let query = db
      .selectFrom(target.table)
      .select(target.select.map((column) => sql.ref(column).as(column)))
      .where('tenant_id', '=', tenantId);
    if (after) query = query.where(keysetAfter(target.key, after));
    for (const column of target.key) query = query.orderBy(sql.ref(column), 'asc');
    return query.limit(limit).execute() as Promise<DbRow[]>;
  }

  /** The conditional update of one row: applies only if the guarded values are still stored. */
  private async update(
    db: AnyDb,
    tenantId: string,
    target: ReencryptTarget,
    row: DbRow,
    changes: Record<string, unknown>,
  ): Promise<boolean> {
    let update = db.updateTable(target.table).set(changes).where('tenant_id', '=', tenantId);
    for (const column of target.key) update = update.where(sql.ref(column), '=', row[column]);
    for (const [column, value] of Object.entries(target.guard(row, changes))) update = update.where(sql.ref(column), '=', value);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  private async retryingConflicts<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= MAX_CONFLICT_RETRIES || !isRapportError(error, CoreErrorCode.StorageConflict)) throw error;
      }
    }
  }

  private internals(store: TenantStore) {
    const internals = tenantStoreInternals.get(store);
    const encryption = internals?.ctx.encryption;
    if (!internals || !encryption)
      throw new RapportError({
        code: StorageErrorCode.NotEncrypted,
        kind: 'invalid_input',
        message: 're-encryption needs an @rapport/storage-sql storage opened with the encryption option',
        details: {},
      });
    return { ctx: internals.ctx, targets: reencryptTargets(internals.ctx, encryption, internals.tables.all()) };
  }
}

/** Rows whose key comes after `after` in key order (a keyset page condition). */
function keysetAfter(key: readonly string[], after: readonly unknown[]) {
  const branches = key.map((column, index) => {
    const equal = key.slice(0, index).map((earlier, position) => sql<SqlBool>`${sql.ref(earlier)} = ${after[position]}`);
    return sql<SqlBool>`(${sql.join([...equal, sql<SqlBool>`${sql.ref(column)} > ${after[index]}`], sql.raw(' and '))})`;
  });
  return sql<SqlBool>`(${sql.join(branches, sql.raw(' or '))})`;
}

function emptyProgress(runId: string): ReencryptionProgress {
  return { runId, done: false, reencrypted: 0, skipped: 0, batches: 0 };
}

import { definePlugin, type TenantContext } from '@rapport/core/plugin';
import { reencryptionRuns } from './reencryption-runs.js';
import { type ReencryptionProgress, Reencryptor } from './reencryptor.js';

/** The job type that runs re-encryption on `crm.jobs`. */
export const REENCRYPT_JOB = 'rapport.reencrypt';

/** What the job carries: the run, and how big its batches are. */
type ReencryptPayload = {
  runId: string;
  batchSize: number;
};

/** Options of {@link ReencryptionApi.start}. */
export interface StartReencryptionOptions {
  /** Names the run (its checkpoint); starting a run id again resumes it. @default 'rotation-<time>' */
  runId?: string;
  /** Rows per batch. @default 500 */
  batchSize?: number;
}

/**
 * `crm.encryption`: key rotation for a storage opened with `encryption`. After a new primary
 * key is deployed, `start()` queues a job that moves every stored value onto it (and encrypts
 * plaintext rows from before encryption was turned on), a batch per transaction with a checkpoint.
 */
export class ReencryptionApi {
  private readonly reencryptor: Reencryptor;

  constructor(private readonly tenant: TenantContext) {
    this.reencryptor = new Reencryptor(tenant.store, () => tenant.clock.now());
  }

  /** Queues the re-encryption job of a run (one job per run id); returns the run id. */
  async start(options: StartReencryptionOptions = {}): Promise<string> {
    const runId = options.runId ?? `rotation-${this.tenant.clock.now().getTime()}`;
    const payload: ReencryptPayload = { runId, batchSize: options.batchSize ?? 500 };
    await this.tenant.jobs.enqueue({ type: REENCRYPT_JOB, payload, idempotencyKey: `${REENCRYPT_JOB}:${runId}:0` });
    return runId;
  }

  /**
   * Runs (or resumes) a run in this process, from its checkpoint, until it is done, `maxBatches`
   * batches ran, or `signal` is aborted. For scripts and tests; apps use {@link start}.
   */
  run(runId: string, options: { batchSize?: number; maxBatches?: number; signal?: AbortSignal } = {}): Promise<ReencryptionProgress> {
    return this.reencryptor.run(runId, options);
  }

  /** The checkpoint of a run, or null before its first batch. */
  progress(runId: string): Promise<ReencryptionProgress | null> {
    return this.reencryptor.progress(runId);
  }

  /** Rows still holding plaintext or values under a key other than the primary (reads every encrypted column). */
  countStale(): Promise<number> {
    return this.reencryptor.countStale();
  }
}

/** How long one job runs batches before handing on to a fresh job (well inside the five-minute lease). */
const SLICE_MS = 60_000;

/**
 * The re-encryption plugin: `crm.encryption` and the `rapport.reencrypt` job. A job runs batches
 * for a minute (or until the workers stop it), then queues the next stretch of the same run;
 * a job killed midway is claimed again when its lease ends and resumes at the checkpoint.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ storage: sqlite({ filename: 'crm.db', encryption: { keys: envKeyProvider() } }), plugins: [reencryption()] });
 * await crm.encryption.start();
 * ```
 */
export const reencryption = () =>
  definePlugin({
    name: 'rapport-encryption',
    tables: [reencryptionRuns],
    jobs: {
      [REENCRYPT_JOB]: async ({ job, crm, signal }) => {
        const { runId, batchSize } = job.payload as ReencryptPayload;
        const api = (crm as unknown as { encryption: ReencryptionApi }).encryption;
        const slice = AbortSignal.any([signal, AbortSignal.timeout(SLICE_MS)]);
        const progress = await api.run(runId, { batchSize, signal: slice });
        if (!progress.done)
          await crm.jobs.enqueue({
            type: REENCRYPT_JOB,
            payload: { runId, batchSize },
            idempotencyKey: `${REENCRYPT_JOB}:${runId}:${progress.batches}`,
          });
      },
    },
    api: { encryption: (tenant: TenantContext) => new ReencryptionApi(tenant) },
  });

import { CoreErrorCode } from '../errors/codes.js';
import { PluginError, ValidationError } from '../errors/error-classes.js';
import type { JobBatch } from './job-batch.js';
import type { JobDefinition, JobHandler } from './job-handler.js';

/** Retry policy used where a job type does not give its own. */
export const DEFAULT_JOB_POLICY = { maxAttempts: 5, backoffMs: 1_000, maxBackoffMs: 3_600_000 } as const;

/** A job type's definition with every default applied. */
export interface ResolvedJobDefinition {
  handler: JobHandler;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  batch?: JobBatch;
}

/**
 * The job types a Crm knows: from `createCrm({ jobs })` and from each plugin's `jobs`. Known
 * before anything is enqueued, so an unknown type fails at enqueue time, not in a worker.
 */
export class JobRegistry {
  private readonly definitions = new Map<string, ResolvedJobDefinition>();

  /** Adds job types; `owner` (a plugin name or `createCrm`) is named when a type is taken twice. */
  add(owner: string, definitions: Readonly<Record<string, JobHandler | JobDefinition>>): void {
    for (const [type, entry] of Object.entries(definitions)) {
      const definition: JobDefinition = typeof entry === 'function' ? { handler: entry } : entry;
      if (typeof definition?.handler !== 'function') {
        throw new PluginError(CoreErrorCode.PluginInvalidOptions, owner, `job "${type}" has no handler function`, { type });
      }
      const batch = definition.batch;
      if (batch !== undefined && (typeof batch?.handler !== 'function' || !Number.isInteger(batch.size) || batch.size < 1)) {
        throw new PluginError(
          CoreErrorCode.PluginInvalidOptions,
          owner,
          `job "${type}" batch needs a handler function and a size of at least 1`,
          {
            type,
            field: 'batch',
          },
        );
      }
      if (this.definitions.has(type)) {
        throw new PluginError(CoreErrorCode.PluginDuplicate, owner, `job type "${type}" is defined twice`, { type });
      }
      this.definitions.set(type, { ...DEFAULT_JOB_POLICY, ...definition, handler: definition.handler as JobHandler });
    }
  }

  /** The definition of `type`, or a `JOB_UNKNOWN_TYPE` validation error naming the field. */
  require(type: string, path: (string | number)[] = ['type']): ResolvedJobDefinition {
    const definition = this.definitions.get(type);
    if (!definition) {
      const known = [...this.definitions.keys()].sort().join(', ') || 'none';
      throw new ValidationError(CoreErrorCode.JobUnknownType, [{ path, message: `no handler for job type "${type}" (known: ${known})` }]);
    }
    return definition;
  }

  get(type: string): ResolvedJobDefinition | undefined {
    return this.definitions.get(type);
  }

  /** Every known job type. */
  types(): string[] {
    return [...this.definitions.keys()];
  }
}

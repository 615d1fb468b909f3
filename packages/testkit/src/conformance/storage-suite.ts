import type { StorageCapabilities } from '@rapport/core';
import type { ConformanceContext } from './context.js';

/** Run counts of the property-based and concurrency suites, after defaults. */
export interface ConformanceRuns {
  /** Random segment conditions checked against the reference evaluator. */
  readonly equivalenceRuns: number;
  /** Random operation sequences in the tenant isolation property. */
  readonly tenancyRuns: number;
  /** Rounds of each race (merges, conditional updates, claims). */
  readonly concurrencyRounds: number;
  /** Runs of each hostile-input property. */
  readonly fuzzRuns: number;
  /** Rounds of hooks racing with merges. */
  readonly hookRounds: number;
  /** Rounds of each plugin-table race. */
  readonly tableRounds: number;
}

/**
 * One composable part of the storage conformance suite: core's (customers, merges, jobs, …)
 * or a plugin's (its tables on this storage). `runStorageConformance` runs core's suites and
 * those given to it, minus the ones skipped.
 */
export interface StorageSuite {
  /** Unique, kebab-case, e.g. `merge-concurrency` or `feedback-tickets`; used in test names and in `skip`. */
  readonly name: string;
  /**
   * Capabilities the suite tests; a storage lists those it lacks in `skip` (say
   * `'transactions'`) and the suites needing them are skipped, with the reason in their name.
   */
  readonly requires?: readonly (keyof StorageCapabilities)[];
  /** Declares the suite's tests (vitest `describe`/`it`) over the storage under test. */
  define(ctx: ConformanceContext, runs: ConformanceRuns): void;
}

/** Gives a suite object its type; no runtime work. */
export function defineStorageSuite(suite: StorageSuite): StorageSuite {
  return suite;
}

declare module '@rapport/core' {
  interface ContributionPoints {
    /**
     * Conformance suites for the plugin's data on a storage, run by `runStorageConformance`
     * when the plugin is passed in its `plugins` option.
     */
    conformance: StorageSuite;
  }
}

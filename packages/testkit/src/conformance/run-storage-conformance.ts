import type { RapportPlugin, Storage } from '@rapport/core';
import { afterAll, beforeAll, describe } from 'vitest';
import { accessControlSuite } from './access-control.suite.js';
import { auditLogSuite } from './audit-log.suite.js';
import { consentLedgerSuite } from './consent-ledger.suite.js';
import { consentOptInSuite } from './consent-opt-in.suite.js';
import { consentRepositorySuite } from './consent-repository.suite.js';
import { makeContext, type StorageFactory } from './context.js';
import { crmFlowsSuite } from './crm-flows.suite.js';
import { customerRepositorySuite } from './customer-repository.suite.js';
import { hooksSuite } from './hooks.suite.js';
import { hostileInputSuite } from './hostile-input.suite.js';
import { idempotencyConflictsSuite } from './idempotency-conflicts.suite.js';
import { identityMatchSuite } from './identity-match.suite.js';
import { inputFuzzSuite } from './input-fuzz.suite.js';
import { interactionRepositorySuite } from './interaction-repository.suite.js';
import { jobsSuite } from './jobs.suite.js';
import { jobsRacesSuite } from './jobs-races.suite.js';
import { mergeConcurrencySuite } from './merge-concurrency.suite.js';
import { pluginTableMigrationsSuite } from './plugin-table-migrations.suite.js';
import { pluginTablesSuite } from './plugin-tables.suite.js';
import { privacySuite } from './privacy.suite.js';
import { profileReaderSuite } from './profile-reader.suite.js';
import { segmentDeclarationSuite } from './segment-declaration.suite.js';
import { segmentEquivalenceSuite } from './segment-equivalence.suite.js';
import { segmentRepositorySuite } from './segment-repository.suite.js';
import { type ConformanceRuns, defineStorageSuite, type StorageSuite } from './storage-suite.js';
import { tenancySuite } from './tenancy.suite.js';
import { transactionsSuite } from './transactions.suite.js';

/** Options of {@link runStorageConformance}. */
export interface StorageConformanceOptions {
  /** Random segment conditions checked against the reference evaluator. Default 100. */
  equivalenceRuns?: number;
  /** Random operation sequences in the tenant isolation property. Default 25. */
  tenancyRuns?: number;
  /** Rounds of each merge race (merge ‖ writes, opposing and chained merges). Default 200. */
  concurrencyRounds?: number;
  /** Runs of each hostile-input property (wrong types, deep values, bad strings, …). Default 150. */
  fuzzRuns?: number;
  /** Rounds of hooks racing with a merge (updates, tags and batches with hooks on both customers). Default 40. */
  hookRounds?: number;
  /** Rounds of each plugin-table race and runs of the where/order property (doubled). Default 30. */
  tableRounds?: number;
  /**
   * Run core's suites. Default true; a plugin package proving its own suites on a storage
   * core already passes on sets it to false.
   */
  core?: boolean;
  /** Further suites to run after core's (a plugin's, or the storage's own). */
  suites?: readonly StorageSuite[];
  /** Plugins whose contributed `conformance` suites run too (a package proving its tables on this storage). */
  plugins?: readonly RapportPlugin[];
  /**
   * Suites to skip, by name (`merge-concurrency`) or by a capability the storage lacks
   * (`transactions` skips every suite that requires it). A skipped suite is reported as
   * skipped, with the reason, never silently left out.
   */
  skip?: readonly string[];
}

/** Core's suites, in the order they run. */
export const CORE_SUITES: readonly StorageSuite[] = [
  defineStorageSuite({ name: 'customer-repository', define: (ctx) => customerRepositorySuite(ctx) }),
  defineStorageSuite({ name: 'interaction-repository', define: (ctx) => interactionRepositorySuite(ctx) }),
  defineStorageSuite({ name: 'consent-repository', define: (ctx) => consentRepositorySuite(ctx) }),
  defineStorageSuite({
    name: 'consent-ledger',
    define: (ctx, runs) => consentLedgerSuite(ctx, Math.max(10, Math.round(runs.equivalenceRuns / 4))),
  }),
  defineStorageSuite({
    name: 'consent-opt-in',
    define: (ctx, runs) => consentOptInSuite(ctx, Math.max(20, Math.round(runs.concurrencyRounds / 4))),
  }),
  defineStorageSuite({ name: 'transactions', requires: ['transactions'], define: (ctx) => transactionsSuite(ctx) }),
  defineStorageSuite({ name: 'segment-repository', define: (ctx) => segmentRepositorySuite(ctx) }),
  defineStorageSuite({ name: 'profile-reader', define: (ctx) => profileReaderSuite(ctx) }),
  defineStorageSuite({ name: 'segment-equivalence', define: (ctx, runs) => segmentEquivalenceSuite(ctx, runs.equivalenceRuns) }),
  defineStorageSuite({ name: 'tenancy', define: (ctx, runs) => tenancySuite(ctx, runs.tenancyRuns) }),
  defineStorageSuite({ name: 'crm-flows', define: (ctx) => crmFlowsSuite(ctx) }),
  defineStorageSuite({ name: 'jobs', define: (ctx) => jobsSuite(ctx) }),
  defineStorageSuite({ name: 'jobs-races', define: (ctx, runs) => jobsRacesSuite(ctx, Math.min(20, runs.concurrencyRounds)) }),
  defineStorageSuite({
    name: 'merge-concurrency',
    requires: ['transactions'],
    define: (ctx, runs) => mergeConcurrencySuite(ctx, runs.concurrencyRounds),
  }),
  defineStorageSuite({ name: 'identity-match', define: (ctx) => identityMatchSuite(ctx) }),
  defineStorageSuite({ name: 'idempotency-conflicts', define: (ctx) => idempotencyConflictsSuite(ctx) }),
  defineStorageSuite({ name: 'segment-declaration', define: (ctx) => segmentDeclarationSuite(ctx) }),
  defineStorageSuite({ name: 'hostile-input', define: (ctx) => hostileInputSuite(ctx) }),
  defineStorageSuite({ name: 'input-fuzz', define: (ctx, runs) => inputFuzzSuite(ctx, runs.fuzzRuns) }),
  defineStorageSuite({ name: 'hooks', define: (ctx, runs) => hooksSuite(ctx, runs.hookRounds) }),
  defineStorageSuite({ name: 'plugin-tables', define: (ctx, runs) => pluginTablesSuite(ctx, runs.tableRounds) }),
  defineStorageSuite({ name: 'plugin-table-migrations', define: (ctx) => pluginTableMigrationsSuite(ctx) }),
  defineStorageSuite({ name: 'access-control', define: (ctx) => accessControlSuite(ctx) }),
  defineStorageSuite({
    name: 'audit-log',
    requires: ['transactions'],
    define: (ctx, runs) => auditLogSuite(ctx, Math.max(10, Math.round(runs.concurrencyRounds / 10))),
  }),
  defineStorageSuite({ name: 'privacy', define: (ctx, runs) => privacySuite(ctx, Math.min(25, runs.concurrencyRounds)) }),
];

/** Which suites a conformance run defines, and which it skips with the reason. */
export interface ConformancePlan {
  readonly run: readonly StorageSuite[];
  readonly skipped: readonly { readonly suite: StorageSuite; readonly reason: string }[];
}

/**
 * Decides which suites {@link runStorageConformance} runs: core's (unless `core: false`), the
 * plugins' contributed ones and the extra ones, minus those skipped by name or by a capability.
 * Fails on two suites of one name or a skip that names nothing.
 */
export function planConformance(options: StorageConformanceOptions = {}): ConformancePlan {
  const suites = [
    ...(options.core === false ? [] : CORE_SUITES),
    ...(options.plugins ?? []).flatMap((plugin) => plugin.contributes?.conformance ?? []),
    ...(options.suites ?? []),
  ];
  const names = new Set<string>();
  for (const suite of suites) {
    if (names.has(suite.name)) throw new Error(`runStorageConformance: two suites are named "${suite.name}"`);
    names.add(suite.name);
  }
  const skip = new Set(options.skip ?? []);
  for (const skipped of skip) {
    const known = names.has(skipped) || suites.some((suite) => suite.requires?.includes(skipped as never));
    if (!known) throw new Error(`runStorageConformance: skip "${skipped}" names no suite and no capability a suite requires`);
  }
  const run: StorageSuite[] = [];
  const skipped: { suite: StorageSuite; reason: string }[] = [];
  for (const suite of suites) {
    const lacking = suite.requires?.find((capability) => skip.has(capability));
    if (skip.has(suite.name)) skipped.push({ suite, reason: 'skipped by name' });
    else if (lacking !== undefined) skipped.push({ suite, reason: `needs ${lacking}` });
    else run.push(suite);
  }
  return { run, skipped };
}

/**
 * The suite every storage must pass: customers and identity uniqueness, merges, the
 * interaction log and idempotency, the consent ledger (state at any time, expiry, material notices,
 * default policies, double opt-in with concurrent confirmations), every segment DSL operator,
 * profile snapshots (a storage's one-read fast path equals its repositories), pagination, transactions, tenant isolation (property-based), Crm flows, the upsert match rule and last-identity guard,
 * conflicting duplicates, segment declarations, hostile input (fixed cases and a fast-check fuzz of every public method),
 * durable jobs (and jobs under hostile timing), merges racing with writes and with each other, and hooks
 * (change, veto, order, batch vetoes, failures, hooks racing with merges), plugin tables (every repository
 * operation, races, tenant isolation, rollback, derived migrations) — plus the suites of the
 * plugins and the extra suites given. Call it from a vitest test file; the storage is made
 * once, migrated, shared by the tests (each uses its own tenant) and closed at the end.
 *
 * @example
 * ```ts
 * // storage.sqlite.test.ts
 * runStorageConformance('sqlite', () => sqlite({ filename: ':memory:' }), { plugins: [feedback()] });
 * ```
 */
export function runStorageConformance(name: string, makeStorage: StorageFactory, options: StorageConformanceOptions = {}): void {
  const runs: ConformanceRuns = {
    equivalenceRuns: options.equivalenceRuns ?? 100,
    tenancyRuns: options.tenancyRuns ?? 25,
    concurrencyRounds: options.concurrencyRounds ?? 200,
    fuzzRuns: options.fuzzRuns ?? 150,
    hookRounds: options.hookRounds ?? 40,
    tableRounds: options.tableRounds ?? 30,
  };
  const plan = planConformance(options);
  describe(`storage conformance: ${name}`, () => {
    let storage: Storage | undefined;
    beforeAll(async () => {
      storage = await makeStorage();
      await storage.migrate();
    });
    afterAll(async () => {
      await storage?.close();
    });
    const ctx = makeContext(name, () => {
      if (!storage) throw new Error(`storage "${name}" was not created`);
      return storage;
    });
    for (const suite of plan.run) suite.define(ctx, runs);
    // Reported as skipped, with the reason, rather than silently left out.
    for (const { suite, reason } of plan.skipped) describe.skip(`${suite.name} (${reason})`, () => suite.define(ctx, runs));
  });
}

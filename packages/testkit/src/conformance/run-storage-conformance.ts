import type { Storage } from '@rapport/core';
import { afterAll, beforeAll, describe } from 'vitest';
import { consentRepositorySuite } from './consent-repository.suite.js';
import { makeContext, type StorageFactory } from './context.js';
import { crmFlowsSuite } from './crm-flows.suite.js';
import { customerRepositorySuite } from './customer-repository.suite.js';
import { hostileInputSuite } from './hostile-input.suite.js';
import { idempotencyConflictsSuite } from './idempotency-conflicts.suite.js';
import { identityMatchSuite } from './identity-match.suite.js';
import { inputFuzzSuite } from './input-fuzz.suite.js';
import { interactionRepositorySuite } from './interaction-repository.suite.js';
import { jobsSuite } from './jobs.suite.js';
import { mergeConcurrencySuite } from './merge-concurrency.suite.js';
import { pluginTableMigrationsSuite } from './plugin-table-migrations.suite.js';
import { pluginTablesSuite } from './plugin-tables.suite.js';
import { profileReaderSuite } from './profile-reader.suite.js';
import { segmentDeclarationSuite } from './segment-declaration.suite.js';
import { segmentEquivalenceSuite } from './segment-equivalence.suite.js';
import { segmentRepositorySuite } from './segment-repository.suite.js';
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
  /** Rounds of each plugin-table race and runs of the where/order property (doubled). Default 30. */
  tableRounds?: number;
}

/**
 * The suite every storage must pass: customers and identity uniqueness, merges, the
 * interaction log and idempotency, the consent ledger, every segment DSL operator,
 * profile snapshots (a storage's one-read fast path equals its repositories), pagination, transactions, tenant isolation (property-based), Crm flows, the upsert match rule and last-identity guard,
 * conflicting duplicates, segment declarations, hostile input (fixed cases and a fast-check fuzz of every public method),
 * durable jobs, merges racing with writes and with each other, and plugin tables (every repository operation, races, tenant isolation, rollback, derived migrations). Call it from a
 * vitest test file; the storage is made once, migrated, shared by the tests (each uses its
 * own tenant) and closed at the end.
 *
 * @example
 * ```ts
 * // storage.sqlite.test.ts
 * runStorageConformance('sqlite', () => sqlite({ filename: ':memory:' }));
 * ```
 */
export function runStorageConformance(name: string, makeStorage: StorageFactory, options: StorageConformanceOptions = {}): void {
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
    customerRepositorySuite(ctx);
    interactionRepositorySuite(ctx);
    consentRepositorySuite(ctx);
    transactionsSuite(ctx);
    segmentRepositorySuite(ctx);
    profileReaderSuite(ctx);
    segmentEquivalenceSuite(ctx, options.equivalenceRuns ?? 100);
    tenancySuite(ctx, options.tenancyRuns ?? 25);
    crmFlowsSuite(ctx);
    jobsSuite(ctx);
    mergeConcurrencySuite(ctx, options.concurrencyRounds ?? 200);
    identityMatchSuite(ctx);
    idempotencyConflictsSuite(ctx);
    segmentDeclarationSuite(ctx);
    hostileInputSuite(ctx);
    inputFuzzSuite(ctx, options.fuzzRuns ?? 150);
    pluginTablesSuite(ctx, options.tableRounds ?? 30);
    pluginTableMigrationsSuite(ctx);
  });
}

import type { MetricsIncrement } from '@rapport/core/storage';
import type { InteractionsTable } from './schema.js';

/**
 * A driver-level fast path for the hottest write, `recordMany` (resolving its customers,
 * inserting the interactions, applying the metrics), used where it beats multi-row statements:
 * on SQLite there is no network round trip to save, and one cached prepared statement run per
 * row costs less than parsing a new statement of thousands of parameters for every batch.
 * It runs on the same connection, so inside the same transaction.
 */
export interface NativeWriter {
  /** Inserts interactions, skipping taken idempotency keys; returns the ids stored. */
  insertInteractions(rows: readonly InteractionsTable[]): Set<string>;
  /** Applies metric increments to the live customers of a tenant (others are skipped). */
  applyMetrics(tenantId: string, entries: readonly MetricsIncrement[]): void;
  /**
   * The record each customer id now stands for (itself, or the customer it was merged into);
   * unknown ids are left out. Each batch resolves its customers before writing.
   */
  resolveIds(tenantId: string, ids: readonly string[]): Map<string, string>;
  /**
   * Inserts rows (values in `columns` order) into `table` with one cached prepared statement:
   * plugin tables' `insertMany`. A unique violation throws the driver's error.
   */
  insertRows?(table: string, columns: readonly string[], rows: readonly unknown[][]): void;
}

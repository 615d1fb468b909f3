import type { Storage, StorageCapabilities } from '@rapport/core';
import type { AnyTableDeclaration, TableRepository, TenantStore } from '@rapport/core/plugin';
import { type StorageMigrationSet, type TableBinding, TableRegistry } from '@rapport/core/storage';
import type { Kysely } from 'kysely';
import type { BlindIndex } from './blind-index.js';
import type { SqlDialect } from './dialect/sql-dialect.js';
import type { EncryptionOptions } from './encryption/encryption-options.js';
import { keyedBlindIndex } from './encryption/keyed-blind-index.js';
import type { StorageEncryption } from './encryption/storage-encryption.js';
import { runMigrations } from './migrations/run-migrations.js';
import type { NativeWriter } from './native-writer.js';
import { SqlConsentRepository } from './repositories/sql-consents.js';
import type { SqlContext } from './repositories/sql-context.js';
import { SqlCustomerRepository } from './repositories/sql-customers.js';
import { SqlInteractionRepository } from './repositories/sql-interactions.js';
import { SqlJobQueue } from './repositories/sql-job-queue.js';
import { SqlJobRepository } from './repositories/sql-jobs.js';
import { SqlPersonalDataRepository } from './repositories/sql-privacy.js';
import { SqlProfileReader } from './repositories/sql-profiles.js';
import { SqlSegmentRepository } from './repositories/sql-segments.js';
import type { RapportDatabase } from './schema.js';
import { wrapDriverError } from './storage-errors.js';
import { SqlTableRepository } from './tables/sql-table-repository.js';
import { migrateTables } from './tables/table-migrations.js';

/** What the escape hatch needs of a tenant store: its context and its tables (see `pluginTableSql`). */
export const tenantStoreInternals = new WeakMap<TenantStore, { ctx: SqlContext; tables: TableRegistry }>();

class SqlTenantStore implements TenantStore {
  readonly tenantId: string;
  readonly customers: SqlCustomerRepository;
  readonly interactions: SqlInteractionRepository;
  readonly consents: SqlConsentRepository;
  readonly segments: SqlSegmentRepository;
  readonly jobs: SqlJobRepository;
  readonly profiles: SqlProfileReader | undefined;
  readonly privacy: SqlPersonalDataRepository;

  constructor(
    private readonly ctx: SqlContext,
    private readonly tables: TableRegistry,
  ) {
    tenantStoreInternals.set(this, { ctx, tables });
    this.tenantId = ctx.tenantId;
    this.customers = new SqlCustomerRepository(ctx);
    this.interactions = new SqlInteractionRepository(ctx);
    this.consents = new SqlConsentRepository(ctx);
    this.segments = new SqlSegmentRepository(ctx);
    this.jobs = new SqlJobRepository(ctx);
    this.privacy = new SqlPersonalDataRepository(ctx);
    this.profiles = ctx.dialect.jsonRowArray ? new SqlProfileReader(ctx, ctx.dialect.jsonRowArray.bind(ctx.dialect)) : undefined;
  }

  table<T extends AnyTableDeclaration>(declaration: T): TableRepository<T> {
    return new SqlTableRepository<T>(this.ctx, this.tables.resolve(declaration));
  }

  async reassignTableRows(fromId: string, toId: string): Promise<number> {
    let moved = 0;
    for (const binding of this.tables.all()) moved += await new SqlTableRepository(this.ctx, binding).reassignCustomer(fromId, toId);
    return moved;
  }

  async transaction<T>(work: (store: TenantStore) => Promise<T>): Promise<T> {
    if (this.ctx.inTransaction) return work(this);
    let workFailure: { error: unknown } | null = null;
    try {
      return await this.ctx.db.transaction().execute(async (trx) => {
        try {
          return await work(new SqlTenantStore({ ...this.ctx, db: trx, inTransaction: true }, this.tables));
        } catch (error) {
          workFailure = { error };
          throw error;
        }
      });
    } catch (error) {
      // The work's own error passes through unchanged, even when the rollback then fails
      // too (a lost connection); begin and commit failures are wrapped.
      if (workFailure) throw (workFailure as { error: unknown }).error;
      throw wrapDriverError(error, this.ctx.dialect, 'transaction');
    }
  }
}

/** Options every SQL storage takes. */
export interface SqlStorageOptions {
  /**
   * Secret key of the identity blind index (HMAC-SHA-256). Set your own in production and
   * keep it: changing it means re-hashing every identity.
   */
  blindIndexKey?: string;
  /**
   * Field-level encryption of personal data at rest (identity values, personal traits and
   * personal plugin columns). Off when absent; see docs/encryption.md.
   */
  encryption?: EncryptionOptions;
}

/** A Rapport storage over a kysely database of one of the supported dialects. */
export class SqlStorage implements Storage {
  readonly kind = 'sql';
  readonly capabilities: StorageCapabilities;
  readonly jobs: SqlJobQueue;
  /** The plugin tables this storage was migrated with. */
  private readonly tables = new TableRegistry();
  private readonly blindIndex: BlindIndex;

  constructor(
    readonly name: string,
    /** The kysely instance, for plugins that keep their own tables in the same database. */
    readonly db: Kysely<RapportDatabase>,
    readonly dialect: SqlDialect,
    blindIndex: BlindIndex,
    private readonly native?: NativeWriter,
    /** The storage's field encryption, when configured. */
    readonly encryption?: StorageEncryption,
  ) {
    this.blindIndex = encryption ? keyedBlindIndex(encryption, blindIndex) : blindIndex;
    this.capabilities = { transactions: true, segmentPushdown: true, rejectsNul: dialect.rejectsNul };
    this.jobs = new SqlJobQueue(db, dialect);
  }

  /**
   * Applies pending migrations (core, then each plugin's), then creates or migrates the
   * plugin tables derived from their declarations (see `migrateTables`).
   */
  async migrate(extensions: readonly StorageMigrationSet[] = [], tables: readonly TableBinding[] = []): Promise<void> {
    await this.applyMigrations(extensions, tables);
  }

  /** Like {@link SqlStorage.migrate}, returning which migrations and table changes were applied. */
  async applyMigrations(extensions: readonly StorageMigrationSet[] = [], tables: readonly TableBinding[] = []): Promise<string[]> {
    await this.encryption?.load();
    const applied = await runMigrations(this.db as Kysely<unknown>, this.dialect, extensions);
    try {
      applied.push(...(await migrateTables(this.db, this.dialect, tables)));
    } catch (error) {
      throw wrapDriverError(error, this.dialect, 'migrate plugin tables');
    }
    this.tables.add(tables);
    return applied;
  }

  forTenant(tenantId: string): TenantStore {
    return new SqlTenantStore(
      {
        tenantId,
        db: this.db,
        dialect: this.dialect,
        blindIndex: this.blindIndex,
        inTransaction: false,
        native: this.native,
        encryption: this.encryption,
      },
      this.tables,
    );
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

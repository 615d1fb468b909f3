import { UnavailableError } from '@rapport/core';
import type { StorageMigrationSet } from '@rapport/core/storage';
import { type Kysely, type Migration, Migrator } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { StorageErrorCode, wrapDriverError } from '../storage-errors.js';
import { coreMigrations } from './core-migrations.js';
import type { SqlMigration } from './sql-migration.js';

/** The name of the core migration table; each plugin namespace gets `<this>_<namespace>`. */
export const MIGRATION_TABLE = 'rapport_migrations';

/**
 * Brings the core schema, then each plugin's, up to date. Each namespace has its own
 * migration table, so a plugin added later never disturbs the order of the others. A lock
 * serialises concurrent migrators (several app processes starting at once).
 */
export async function runMigrations(
  db: Kysely<unknown>,
  dialect: SqlDialect,
  extensions: readonly StorageMigrationSet[],
): Promise<string[]> {
  const sets = [
    { namespace: '', migrations: coreMigrations },
    ...extensions
      .filter((set) => set.storage === 'sql')
      .map((set) => ({ namespace: set.namespace, migrations: set.migrations as Record<string, SqlMigration> })),
  ];
  const migrate = () =>
    dialect.withMigrationLock(db, async (locked) => {
      const applied: string[] = [];
      for (const set of sets) {
        const table = set.namespace ? `${MIGRATION_TABLE}_${set.namespace}` : MIGRATION_TABLE;
        const migrations: Record<string, Migration> = Object.fromEntries(
          Object.entries(set.migrations).map(([name, migration]) => [name, { up: (kysely) => migration.up(kysely, dialect) }]),
        );
        const migrator = new Migrator({
          db: locked,
          provider: { getMigrations: async () => migrations },
          migrationTableName: table,
          migrationLockTableName: `${table}_lock`,
        });
        const { error, results } = await migrator.migrateToLatest();
        if (error && dialect.isConnectionError(error)) throw wrapDriverError(error, dialect, 'migrate');
        if (error) {
          const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? '(setup)';
          throw new UnavailableError(
            StorageErrorCode.MigrationFailed,
            `migration ${set.namespace || 'core'}/${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
            error,
            {
              namespace: set.namespace || 'core',
              migration: failed,
            },
          );
        }
        for (const result of results ?? [])
          if (result.status === 'Success') applied.push(`${set.namespace || 'core'}/${result.migrationName}`);
      }
      return applied;
    });
  try {
    return await migrate();
  } catch (error) {
    throw wrapDriverError(error, dialect, 'migrate');
  }
}

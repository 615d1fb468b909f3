import type { CreateTableBuilder, Kysely } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';

/**
 * Starts a CREATE TABLE with the options Rapport's tables use on this server (on MySQL and
 * MariaDB: utf8mb4 and a binary, no-pad collation). Plugin tables that reference core tables
 * must use it: a foreign key between columns of different collations cannot be created. Mark
 * tables whose rows are updated in place all the time `updateHeavy` (PostgreSQL leaves room
 * on each page for cheap in-place updates).
 */
export async function createRapportTable(
  // biome-ignore lint/suspicious/noExplicitAny: migrations create tables the Kysely type does not know.
  db: Kysely<any>,
  dialect: SqlDialect,
  name: string,
  table: { updateHeavy?: boolean } = {},
): Promise<CreateTableBuilder<string, never>> {
  const options = await dialect.tableOptions(db, table);
  const builder = db.schema.createTable(name);
  return options ? builder.modifyEnd(options) : builder;
}

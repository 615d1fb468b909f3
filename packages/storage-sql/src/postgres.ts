/**
 * PostgreSQL storage on `pg` (an optional peer dependency: install `pg`, and `@types/pg` for
 * the `pool` option's type). Importing this entry loads neither better-sqlite3 nor mysql2;
 * `pg` itself is loaded when {@link postgres} opens a storage.
 *
 * @packageDocumentation
 */
export { type PostgresOptions, PostgresOptionsSchema, postgres } from './drivers/postgres.js';

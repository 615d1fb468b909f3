/**
 * Embedded SQLite storage on better-sqlite3, the default `createCrm()` opens when given no
 * storage. Importing this entry loads the native better-sqlite3 module; the PostgreSQL and
 * MySQL entries never do.
 *
 * @packageDocumentation
 */
export { type SqliteOptions, SqliteOptionsSchema, sqlite } from './drivers/sqlite.js';

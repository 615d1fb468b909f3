/**
 * MySQL 8 / MariaDB 10.11 storage on `mysql2` (an optional peer dependency: install `mysql2`).
 * Importing this entry loads neither better-sqlite3 nor pg; `mysql2` itself is loaded when
 * {@link mysql} opens a storage.
 *
 * @packageDocumentation
 */
export { type MysqlOptions, MysqlOptionsSchema, mysql } from './drivers/mysql.js';

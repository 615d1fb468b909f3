import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectName, SqlStorage } from '@rapport/storage-sql';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { createTestDatabase, selected } from './servers.js';

/** A fresh, empty database of one dialect, and how to open storages on it. */
export interface FreshDatabase {
  /** File path (SQLite) or URL. */
  location: string;
  open(options?: { poolSize?: number }): Promise<SqlStorage>;
  cleanup(): Promise<void>;
}

/** One dialect under test. */
export interface DialectTarget {
  name: DialectName;
  fresh(): Promise<FreshDatabase>;
}

const sqliteTarget: DialectTarget = {
  name: 'sqlite',
  fresh: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rapport-sqlite-'));
    const location = join(dir, 'test.db');
    return {
      location,
      open: async () => sqlite({ filename: location }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

function serverTarget(name: 'postgres' | 'mysql'): DialectTarget {
  return {
    name,
    fresh: async () => {
      const database = await createTestDatabase(name);
      if (!('url' in database)) throw new Error(database.skip);
      const open = ({ poolSize = 10 }: { poolSize?: number } = {}) =>
        name === 'postgres'
          ? postgres({ connectionString: database.url, max: poolSize })
          : mysql({ uri: database.url, connectionLimit: poolSize });
      return { location: database.url, open, cleanup: database.drop };
    },
  };
}

/**
 * The dialects this machine can test: SQLite always; PostgreSQL and MySQL when their servers
 * answer (under CI=true a missing server fails instead of being skipped). RAPPORT_DIALECTS
 * filters them.
 */
export async function dialectTargets(): Promise<DialectTarget[]> {
  const targets: DialectTarget[] = [];
  if (selected('sqlite')) targets.push(sqliteTarget);
  for (const name of ['postgres', 'mysql'] as const) {
    if (!selected(name)) continue;
    const probe = await createTestDatabase(name);
    if ('url' in probe) {
      await probe.drop();
      targets.push(serverTarget(name));
    }
  }
  return targets;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStorage } from '@rapport/core';
import { runStorageConformance, type StorageSuite } from '@rapport/testkit';
import { afterAll, describe, it } from 'vitest';
import { mysql } from '../src/mysql.js';
import { postgres } from '../src/postgres.js';
import { sqlite } from '../src/sqlite.js';
// The test servers: a throwaway database per file, CI=true makes a missing server fail.
import { createTestDatabase, selected } from './servers.js';

/**
 * Runs a plugin's `suites` on memory, a SQLite file, PostgreSQL and MariaDB (filtered by
 * RAPPORT_DIALECTS): the one every-storage runner plugin packages' tests share.
 */
export async function runOnEveryStorage(name: string, suites: readonly StorageSuite[]): Promise<void> {
  const only = { core: false, suites: [...suites] } as const;
  runStorageConformance('memory', () => memoryStorage(), only);

  const dir = mkdtempSync(join(tmpdir(), `rapport-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  if (selected('sqlite')) runStorageConformance('sqlite', () => sqlite({ filename: join(dir, `${name}.db`) }), only);

  for (const target of ['postgres', 'mysql'] as const) {
    const database = selected(target) ? await createTestDatabase(target) : { skip: 'not in RAPPORT_DIALECTS' };
    if ('url' in database) {
      afterAll(() => database.drop());
      runStorageConformance(
        target,
        () => (target === 'postgres' ? postgres({ connectionString: database.url }) : mysql({ uri: database.url })),
        only,
      );
    } else {
      describe(`${name}: ${target}`, () => it.skipIf(true)(`skipped: ${database.skip}`, () => undefined));
    }
  }
}

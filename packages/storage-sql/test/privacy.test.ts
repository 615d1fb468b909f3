import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlindIndex } from '@rapport/storage-sql';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { CORE_SUITES, defineStorageSuite, privacyScanSuite, runStorageConformance } from '@rapport/testkit';
import { afterAll, describe, it } from 'vitest';
import { scanSqlStorage } from './privacy-scan.js';
import { createTestDatabase, selected } from './servers.js';

// The privacy suite (it runs in the full conformance files too) and the canary scan over every
// column of every table, on a database of this file's own.
const blindIndex = createBlindIndex();
const suites = [
  ...CORE_SUITES.filter((suite) => suite.name === 'privacy'),
  defineStorageSuite({
    name: 'privacy-scan',
    define: (ctx) => privacyScanSuite(ctx, { scan: scanSqlStorage, derived: (identity) => [blindIndex(identity)] }),
  }),
];
const only = { core: false, suites, concurrencyRounds: 25 } as const;

const dir = mkdtempSync(join(tmpdir(), 'rapport-privacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
if (selected('sqlite')) runStorageConformance('sqlite', () => sqlite({ filename: join(dir, 'privacy.db') }), only);

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
    describe(`privacy: ${target}`, () => it.skipIf(true)(`skipped: ${database.skip}`, () => undefined));
  }
}

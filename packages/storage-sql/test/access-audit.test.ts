import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStorage } from '@rapport/core';
import { CORE_SUITES, runStorageConformance } from '@rapport/testkit';
import { afterAll, describe, it } from 'vitest';
import { mysql } from '../src/mysql.js';
import { postgres } from '../src/postgres.js';
import { sqlite } from '../src/sqlite.js';
import { createTestDatabase, selected } from './servers.js';

// Access control and the audit log on every storage, apart from the full conformance run
// (where they run too): the two core suites alone.
const only = {
  core: false,
  suites: CORE_SUITES.filter((suite) => suite.name === 'access-control' || suite.name === 'audit-log'),
  concurrencyRounds: 200,
} as const;

runStorageConformance('memory', () => memoryStorage(), only);

const dir = mkdtempSync(join(tmpdir(), 'rapport-access-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
if (selected('sqlite')) runStorageConformance('sqlite', () => sqlite({ filename: join(dir, 'access.db') }), only);

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
    describe(`access control and audit: ${target}`, () => it.skipIf(true)(`skipped: ${database.skip}`, () => undefined));
  }
}

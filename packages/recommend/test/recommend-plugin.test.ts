import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStorage } from '@rapport/core';
import { mysql } from '@rapport/storage-sql/mysql';
import { postgres } from '@rapport/storage-sql/postgres';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { runStorageConformance } from '@rapport/testkit';
import { afterAll, describe, it } from 'vitest';
// The storage package's test servers: a throwaway database per file, CI=true makes a missing server fail.
import { createTestDatabase, selected } from '../../storage-sql/test/servers.js';
import { feedbackReadSuite } from './plugin/feedback-read-suite.js';
import { recommendPropertySuite } from './plugin/recommend-property-suite.js';
import { recommendSuite } from './plugin/recommend-suite.js';

const only = { core: false, suites: [recommendSuite, recommendPropertySuite, feedbackReadSuite] } as const;

runStorageConformance('memory', () => memoryStorage(), only);

const dir = mkdtempSync(join(tmpdir(), 'rapport-recommend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
if (selected('sqlite')) runStorageConformance('sqlite', () => sqlite({ filename: join(dir, 'recommend.db') }), only);

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
    describe(`the recommend plugin: ${target}`, () => it.skipIf(true)(`skipped: ${database.skip}`, () => undefined));
  }
}

import { postgres } from '@rapport/storage-sql/postgres';
import { runStorageConformance } from '@rapport/testkit';
import { afterAll, describe, it } from 'vitest';
import { createTestDatabase, selected } from './servers.js';

const database = selected('postgres') ? await createTestDatabase('postgres') : { skip: 'not in RAPPORT_DIALECTS' };

if ('url' in database) {
  afterAll(() => database.drop());
  runStorageConformance('postgres', () => postgres({ connectionString: database.url }));
} else {
  describe('storage conformance: postgres', () => {
    it.skipIf(true)(`skipped: ${database.skip}`, () => undefined);
  });
}

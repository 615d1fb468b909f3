import { mysql } from '@rapport/storage-sql/mysql';
import { runStorageConformance } from '@rapport/testkit';
import { afterAll, describe, it } from 'vitest';
import { createTestDatabase, selected } from './servers.js';

const database = selected('mysql') ? await createTestDatabase('mysql') : { skip: 'not in RAPPORT_DIALECTS' };

if ('url' in database) {
  afterAll(() => database.drop());
  runStorageConformance('mysql', () => mysql({ uri: database.url }));
} else {
  describe('storage conformance: mysql', () => {
    it.skipIf(true)(`skipped: ${database.skip}`, () => undefined);
  });
}

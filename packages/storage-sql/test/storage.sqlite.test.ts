import { sqlite } from '@rapport/storage-sql/sqlite';
import { runStorageConformance } from '@rapport/testkit';

runStorageConformance('sqlite', () => sqlite({ filename: ':memory:' }));

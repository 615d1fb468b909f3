import { sqlite } from '@rapport/storage-sql';
import { runStorageConformance } from '@rapport/testkit';

runStorageConformance('sqlite', () => sqlite({ filename: ':memory:' }));

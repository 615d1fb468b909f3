import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { templateResolveCacheSuite } from './template-resolve-cache-suite.js';
import { templatesSuite } from './templates-suite.js';

await runOnEveryStorage('templates', [templatesSuite, templateResolveCacheSuite]);

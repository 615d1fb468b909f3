import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { templatesSuite } from './templates-suite.js';

await runOnEveryStorage('templates', [templatesSuite]);

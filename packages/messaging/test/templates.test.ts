import { runOnEveryStorage } from './every-storage.js';
import { templatesSuite } from './templates-suite.js';

await runOnEveryStorage('templates', [templatesSuite]);

import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { unsubscribeHostileSuite } from './unsubscribe-hostile-suite.js';

await runOnEveryStorage('messaging-unsubscribe-hostile', [unsubscribeHostileSuite]);

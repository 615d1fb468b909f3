import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { batchDispatchSuite } from './batch-dispatch-suite.js';

await runOnEveryStorage('messaging-batch', [batchDispatchSuite]);

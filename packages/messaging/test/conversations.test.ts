import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { conversationsSuite } from './conversations-suite.js';

await runOnEveryStorage('conversations', [conversationsSuite]);

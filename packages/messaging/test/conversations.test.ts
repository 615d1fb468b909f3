import { conversationsSuite } from './conversations-suite.js';
import { runOnEveryStorage } from './every-storage.js';

await runOnEveryStorage('conversations', [conversationsSuite]);

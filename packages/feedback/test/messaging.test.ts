import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { feedbackMessagingSuite } from './plugin/messaging-suite.js';

await runOnEveryStorage('feedback-messaging', [feedbackMessagingSuite]);

import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { feedbackMergedThrottleSuite } from './plugin/merged-throttle-suite.js';

await runOnEveryStorage('feedback-merged', [feedbackMergedThrottleSuite]);

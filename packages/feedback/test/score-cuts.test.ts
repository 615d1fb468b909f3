import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { feedbackScoreCutsSuite } from './plugin/score-cuts-suite.js';

await runOnEveryStorage('feedback-score-cuts', [feedbackScoreCutsSuite]);

import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { feedbackReadSuite } from './plugin/feedback-read-suite.js';
import { recommendPropertySuite } from './plugin/recommend-property-suite.js';
import { recommendSuite } from './plugin/recommend-suite.js';
import { recommendTemplatesSuite } from './plugin/recommend-templates-suite.js';

await runOnEveryStorage('recommend', [recommendSuite, recommendPropertySuite, feedbackReadSuite, recommendTemplatesSuite]);

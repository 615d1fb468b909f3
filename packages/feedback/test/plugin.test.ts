import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { feedbackClosedLoopSuite } from './plugin/closed-loop-suite.js';
import { feedbackSurveysSuite } from './plugin/surveys-suite.js';
import { feedbackTicketsSuite } from './plugin/tickets-suite.js';

await runOnEveryStorage('feedback', [feedbackSurveysSuite, feedbackTicketsSuite, feedbackClosedLoopSuite]);

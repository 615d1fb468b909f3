import { runOnEveryStorage } from '../../storage-sql/test/every-storage.js';
import { hubIntegrationSuite } from './hub-integration-suite.js';
import { messagingSuite } from './messaging-suite.js';

await runOnEveryStorage('messaging', [messagingSuite, hubIntegrationSuite]);

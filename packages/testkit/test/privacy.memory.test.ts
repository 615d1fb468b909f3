import { memoryStorage } from '@rapport/core';
import { CORE_SUITES, runStorageConformance } from '@rapport/testkit';

// Only the privacy suite, for quick runs on the memory storage (the full conformance file runs it too).
const privacy = CORE_SUITES.filter((suite) => suite.name === 'privacy');
runStorageConformance('memory', () => memoryStorage(), { core: false, suites: privacy, concurrencyRounds: 40 });

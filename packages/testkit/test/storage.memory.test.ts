import { memoryStorage } from '@rapport/core';
import { runStorageConformance } from '@rapport/testkit';

// The memory storage runs one transaction at a time and copies its whole state for each
// (to roll back), so merge races there interleave only between service steps and grow
// slower with the state: fewer rounds say as much.
runStorageConformance('memory', () => memoryStorage(), { concurrencyRounds: 40 });

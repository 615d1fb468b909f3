import { memoryStorage } from '@rapport/core';
import { runStorageConformance } from '@rapport/testkit';

runStorageConformance('memory', () => memoryStorage());

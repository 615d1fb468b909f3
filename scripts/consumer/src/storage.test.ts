// A storage author's conformance test file, as vitest runs it (the kit is ESM-only).
import { memoryStorage } from '@rapport/core';
import { FakeClock, runStorageConformance } from '@rapport/testkit';

const clock: FakeClock = new FakeClock();
runStorageConformance('memory', () => memoryStorage(), { concurrencyRounds: 1 });

export { clock };

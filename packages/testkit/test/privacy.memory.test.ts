import { memoryStorage } from '@rapport/core';
import { inspectMemoryState } from '@rapport/core/storage';
import { CORE_SUITES, defineStorageSuite, privacyScanSuite, runStorageConformance } from '@rapport/testkit';

/** The memory state's parts by the names of the SQL tables they stand for. */
const MEMORY_PARTS: Record<string, string> = { identityOwners: 'identities', tables: 'plugin tables (notes)' };

/** Scans the memory storage's whole state (maps included) as JSON text. */
const scanMemory = async (storage: Parameters<typeof inspectMemoryState>[0], needles: readonly string[]): Promise<string[]> => {
  const state = inspectMemoryState(storage);
  if (!state) throw new Error('not a memory storage');
  const hits: string[] = [];
  for (const [part, value] of Object.entries(state)) {
    const text = JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Map ? [...inner.entries()] : inner));
    for (const needle of needles) if (text.includes(needle)) hits.push(MEMORY_PARTS[part] ?? part);
  }
  return [...new Set(hits)];
};

const privacy = CORE_SUITES.filter((suite) => suite.name === 'privacy');
const scan = defineStorageSuite({ name: 'privacy-scan', define: (ctx) => privacyScanSuite(ctx, { scan: scanMemory }) });
runStorageConformance('memory', () => memoryStorage(), { core: false, suites: [...privacy, scan], concurrencyRounds: 40 });

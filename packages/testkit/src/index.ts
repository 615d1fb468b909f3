export { type ConformanceContext, type StorageFactory, allPages } from './conformance/context.js';
export { DSL_CASES, type DslCase } from './conformance/segment-dsl-cases.js';
export { randomTraits, segmentConditionArbitrary, storableString } from './conformance/segment-arbitraries.js';
export { runStorageConformance, type StorageConformanceOptions } from './conformance/run-storage-conformance.js';
export { type Duration, FakeClock } from './fake-clock.js';
export { aConsentRecord, aCustomer, anInteraction, aSegment, uniqueId } from './fixtures/builders.js';
export { daysAgo, PERSONAS, type Persona, POPULATION, POPULATION_NOW, type SeededPopulation, seedPopulation } from './fixtures/population.js';
export { sequentialIds } from './sequential-ids.js';

export type {
  ChannelConformanceOptions,
  ChannelHarness,
  InboundConformance,
  InboundSample,
  ProviderBehaviour,
  ProviderCall,
  ReceiptConformance,
} from './conformance/channel-harness.js';
export { allPages, type ConformanceContext, type StorageFactory } from './conformance/context.js';
export { pluginTableMigrationsSuite } from './conformance/plugin-table-migrations.suite.js';
export { pluginTablesSuite } from './conformance/plugin-tables.suite.js';
export {
  aTicket,
  conformanceTableBindings,
  countersTable,
  TABLES_PLUGIN,
  type Ticket,
  ticketsTable,
} from './conformance/plugin-tables-fixtures.js';
export { privacySuite } from './conformance/privacy.suite.js';
export { type CanaryPerson, plantCanaryPerson, privacyNotesPlugin, privacyNotesTable } from './conformance/privacy-fixtures.js';
export { type PrivacyScanOptions, privacyScanSuite, type StorageScanner } from './conformance/privacy-scan.suite.js';
export { runChannelConformance } from './conformance/run-channel-conformance.js';
export {
  CORE_SUITES,
  type ConformancePlan,
  planConformance,
  runStorageConformance,
  type StorageConformanceOptions,
} from './conformance/run-storage-conformance.js';
export { randomTraits, segmentConditionArbitrary, storableString } from './conformance/segment-arbitraries.js';
export { DSL_CASES, type DslCase } from './conformance/segment-dsl-cases.js';
export { type ConformanceRuns, defineStorageSuite, type StorageSuite } from './conformance/storage-suite.js';
export { type Duration, FakeClock } from './fake-clock.js';
export { aConsentRecord, aCustomer, anInteraction, aSegment, uniqueId } from './fixtures/builders.js';
export {
  daysAgo,
  PERSONAS,
  type Persona,
  type PersonaSpec,
  POPULATION,
  POPULATION_NOW,
  type SeededPopulation,
  seedPopulation,
} from './fixtures/population.js';
export { sequentialIds } from './sequential-ids.js';
export { createTestCrm, type RecordedEvent, TEST_EPOCH, type TestCrm, type TestCrmOptions } from './test-crm.js';

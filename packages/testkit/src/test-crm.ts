import {
  type AnyObjectSchema,
  type Crm,
  type CrmOptions,
  createCrm,
  memoryStorage,
  type PluginApis,
  type PropsOf,
  type RapportEventName,
  type RapportEvents,
  type RapportPlugin,
  type Storage,
  type TraitsOf,
} from '@rapport/core';
import { FakeClock } from './fake-clock.js';
import { uniqueId } from './fixtures/builders.js';
import { sequentialIds } from './sequential-ids.js';

/** The instant a test Crm's fake clock starts at, unless a test gives its own clock. */
export const TEST_EPOCH = '2026-06-01T00:00:00Z';

/** The core events a test Crm records (plugins' events are recorded when named in `record`). */
const CORE_EVENTS: readonly RapportEventName[] = [
  'customer.created',
  'customer.updated',
  'customer.merged',
  'interaction.recorded',
  'consent.changed',
  'segment.entered',
  'segment.exited',
  'customer.erased',
  'privacy.retention.completed',
];

/** One event a test Crm saw, in emission order. */
export interface RecordedEvent<K extends RapportEventName = RapportEventName> {
  readonly name: K;
  readonly payload: RapportEvents[K];
}

/** Options of {@link createTestCrm}: `createCrm`'s, with test defaults. */
export type TestCrmOptions<
  TTraitsSchema extends AnyObjectSchema | undefined,
  TPropsSchema extends AnyObjectSchema | undefined,
  TPlugins extends readonly RapportPlugin[],
> = Omit<CrmOptions, 'schema' | 'plugins' | 'storage' | 'clock' | 'tenant'> & {
  schema?: { traits?: TTraitsSchema; interactionProperties?: TPropsSchema };
  plugins?: TPlugins;
  /**
   * The storage under test. Default: a fresh `memoryStorage()`, closed with the Crm. A given
   * storage is shared: closing the test Crm leaves it open for the next test.
   */
  storage?: Storage;
  /** Default: a {@link FakeClock} at {@link TEST_EPOCH}. */
  clock?: FakeClock;
  /** Default: a tenant no other test uses, so tests can share one storage. */
  tenant?: string;
  /** Further events to record beside the core ones (a plugin's own). */
  record?: readonly RapportEventName[];
};

/** A Crm for tests, with its fake clock and the events it emitted. */
export type TestCrm<TTraits, TProps, TApis> = Crm<TTraits, TProps, TApis> & {
  /** The Crm's fake clock: advance it instead of waiting. */
  readonly clock: FakeClock;
  /** Events emitted so far, in order (core events and those named in `record`). */
  readonly recorded: RecordedEvent[];
  /** The payloads of one recorded event, typed. */
  recordedOf<K extends RapportEventName>(name: K): RapportEvents[K][];
};

/**
 * A Crm set up the way tests want it: a fake clock, predictable ids (`id-000001`, …), a
 * tenant of its own, phone numbers read as British unless a region is given, and every event
 * recorded. Typed with the plugins' APIs like `createCrm`.
 *
 * @example
 * ```ts
 * const crm = await createTestCrm({ plugins: [feedback()], storage: sqlite({ filename: ':memory:' }) });
 * crm.clock.advance({ days: 1 });
 * expect(crm.recordedOf('customer.created')).toHaveLength(1);
 * ```
 */
export async function createTestCrm<
  TTraitsSchema extends AnyObjectSchema | undefined = undefined,
  TPropsSchema extends AnyObjectSchema | undefined = undefined,
  const TPlugins extends readonly RapportPlugin[] = [],
>(
  options: TestCrmOptions<TTraitsSchema, TPropsSchema, TPlugins> = {},
): Promise<TestCrm<TraitsOf<TTraitsSchema>, PropsOf<TPropsSchema>, PluginApis<TPlugins>>> {
  const { storage, clock = new FakeClock(TEST_EPOCH), tenant = uniqueId('crm'), record = [], ...rest } = options;
  const crm = await createCrm<TTraitsSchema, TPropsSchema, TPlugins>({
    ids: sequentialIds(),
    ...rest,
    identities: { defaultRegion: 'GB', ...rest.identities },
    storage: storage ? sharedStorage(storage) : memoryStorage(),
    clock,
    tenant,
  });
  const recorded: RecordedEvent[] = [];
  for (const name of new Set([...CORE_EVENTS, ...record])) {
    crm.events.on(name, (payload) => void recorded.push({ name, payload } as RecordedEvent));
  }
  const recordedOf = <K extends RapportEventName>(name: K): RapportEvents[K][] =>
    recorded.filter((event) => event.name === name).map((event) => event.payload as RapportEvents[K]);
  return Object.assign(crm, { clock, recorded, recordedOf });
}

/** The storage with a `close` that leaves it open, so a shared storage outlives each test's Crm. */
function sharedStorage(storage: Storage): Storage {
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'close') return async () => undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

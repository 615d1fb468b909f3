import { type DependencyContainer, container as globalContainer, Lifecycle } from 'tsyringe';
import type { z } from 'zod';
import { systemClock } from '../contracts/clock.js';
import { uuidV7Ids } from '../contracts/id-generator.js';
import type { Storage } from '../contracts/storage.js';
import { CLOCK, CRM_CONFIG, EVENT_BUS, ID_GENERATOR, JOB_REGISTRY, STORAGE, TENANT_ID, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { PluginError, ValidationError } from '../errors/error-classes.js';
import { isRapportError } from '../errors/rapport-error.js';
import { EventBus } from '../events/event-bus.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { JobService } from '../jobs/job-service.js';
import { JobWorkers, type WorkerOptions } from '../jobs/job-workers.js';
import type { AnyObjectSchema, StandardTraits } from '../model/traits.js';
import type { PluginContext, RapportPlugin } from '../plugins/define-plugin.js';
import { orderPlugins } from '../plugins/plugin-order.js';
import { ConsentService } from '../services/consent-service.js';
import { CustomerService } from '../services/customer-service.js';
import { InteractionService } from '../services/interaction-service.js';
import { ProfileService } from '../services/profile-service.js';
import { SegmentCatalog } from '../services/segment-catalog.js';
import { SegmentService } from '../services/segment-service.js';
import { bindAllTables } from '../tables/table-binding.js';
import { type CrmOptions, resolveCrmConfig } from './config.js';
import type { Crm } from './crm.js';
import { resolveDefaultStorage } from './default-storage.js';

/** The trait type of a Crm made with traits schema `S`: the standard traits plus the app's. */
export type TraitsOf<S> = S extends z.ZodType
  ? Omit<StandardTraits, keyof z.output<S>> & z.output<S>
  : StandardTraits & Record<string, unknown>;
/** The interaction-properties type of a Crm made with properties schema `S`. */
export type PropsOf<S> = S extends z.ZodType ? z.output<S> : Record<string, unknown>;

const TENANT_SERVICES = [
  SegmentCatalog,
  SegmentService,
  CustomerService,
  InteractionService,
  ConsentService,
  ProfileService,
  JobService,
] as const;

/**
 * Creates a Crm: a child container of its own (never tsyringe's global one), core services,
 * the plugins in dependency order, migrated storage, then started plugins.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ storage: sqlite({ filename: 'crm.db' }), schema: { traits: z.object({ tier: z.enum(['gold', 'silver']) }) } });
 * const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'Ada@Example.com' }] });
 * ```
 */
export async function createCrm<
  TTraitsSchema extends AnyObjectSchema | undefined = undefined,
  TPropsSchema extends AnyObjectSchema | undefined = undefined,
>(
  options: Omit<CrmOptions, 'schema'> & { schema?: { traits?: TTraitsSchema; interactionProperties?: TPropsSchema } } = {},
): Promise<Crm<TraitsOf<TTraitsSchema>, PropsOf<TPropsSchema>>> {
  const config = resolveCrmConfig(options as CrmOptions);
  const plugins = orderPlugins(options.plugins ?? []);
  // Declarations are checked before anything is opened or registered, so a bad one fails fast.
  const tables = bindAllTables(plugins);
  const storage: Storage = options.storage ?? (await resolveDefaultStorage());
  const clock = options.clock ?? systemClock;
  const events = new EventBus(
    options.onListenerError ?? ((error, event) => console.error(`[rapport] listener of "${event}" failed:`, error)),
  );
  const container = globalContainer.createChildContainer();
  container.register(STORAGE, { useValue: storage });
  container.register(CLOCK, { useValue: clock });
  container.register(ID_GENERATOR, { useValue: options.ids ?? uuidV7Ids });
  container.register(EVENT_BUS, { useValue: events });
  container.register(CRM_CONFIG, { useValue: config });
  const jobs = new JobRegistry();
  container.register(JOB_REGISTRY, { useValue: jobs });
  for (const serviceClass of TENANT_SERVICES) {
    // Container-scoped: each tenant's child container builds its own instances over its own TENANT_STORE.
    const token = serviceClass as new (...args: never[]) => unknown;
    container.register(token, { useClass: token }, { lifecycle: Lifecycle.ContainerScoped });
  }

  const context: PluginContext = { container, events, storage, clock };
  const started: RapportPlugin[] = [];
  const workers = new Set<JobWorkers>();
  let closed = false;
  const tenants = new Map<string, Crm<TraitsOf<TTraitsSchema>, PropsOf<TPropsSchema>>>();

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const running of workers) await running.stop();
    for (const plugin of [...started].reverse()) await plugin.stop?.();
    events.clear();
    await storage.close();
  };

  const forTenant = (tenantId: string): Crm<TraitsOf<TTraitsSchema>, PropsOf<TPropsSchema>> => {
    if (typeof tenantId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(tenantId)) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [
        { path: ['tenantId'], message: 'must be 1-128 characters: letters, digits, _ . : -' },
      ]);
    }
    const existing = tenants.get(tenantId);
    if (existing) return existing;
    const view = buildTenantView<TraitsOf<TTraitsSchema>, PropsOf<TPropsSchema>>(
      container,
      storage,
      events,
      tenantId,
      forTenant,
      close,
      makeWorkers,
    );
    tenants.set(tenantId, view);
    return view;
  };

  const makeWorkers = (workerOptions?: WorkerOptions): JobWorkers => {
    const made = new JobWorkers(
      { storage, registry: jobs, clock, ids: options.ids ?? uuidV7Ids, crmFor: (tenantId) => forTenant(tenantId) as unknown as Crm },
      workerOptions,
    );
    workers.add(made);
    return made;
  };

  try {
    jobs.add('createCrm', options.jobs ?? {});
    for (const plugin of plugins) jobs.add(plugin.name, plugin.jobs ?? {});
    for (const plugin of plugins) await runPluginStep(plugin, 'register', () => plugin.register?.(context));
    await storage.migrate(
      plugins.flatMap((plugin) => plugin.migrations ?? []),
      tables,
    );
    const crm = forTenant(config.tenant);
    for (const plugin of plugins) {
      await runPluginStep(plugin, 'start', () => plugin.start?.({ ...context, crm: crm as unknown as Crm }));
      started.push(plugin);
    }
    return crm;
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

function buildTenantView<TTraits, TProps>(
  parent: DependencyContainer,
  storage: Storage,
  events: EventBus,
  tenantId: string,
  forTenant: (tenantId: string) => Crm<TTraits, TProps>,
  close: () => Promise<void>,
  makeWorkers: (options?: WorkerOptions) => JobWorkers,
): Crm<TTraits, TProps> {
  const scope = parent.createChildContainer();
  scope.register(TENANT_ID, { useValue: tenantId });
  scope.register(TENANT_STORE, { useValue: storage.forTenant(tenantId) });
  const profiles = scope.resolve(ProfileService) as ProfileService<TTraits, TProps>;
  return {
    tenantId,
    customers: scope.resolve(CustomerService) as CustomerService<TTraits>,
    interactions: scope.resolve(InteractionService) as InteractionService<TProps>,
    consent: scope.resolve(ConsentService),
    segments: scope.resolve(SegmentService),
    jobs: scope.resolve(JobService),
    events,
    storage,
    container: scope,
    profile: (customerId, options) => profiles.profile(customerId, options),
    forTenant,
    workers: makeWorkers,
    startWorkers: (options) => makeWorkers(options).start(),
    close,
  };
}

async function runPluginStep(plugin: RapportPlugin, step: 'register' | 'start', work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isRapportError(error) && error.code.startsWith('PLUGIN_')) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new PluginError(CoreErrorCode.PluginStartFailed, plugin.name, `${step} failed: ${reason}`, { step }, error);
  }
}

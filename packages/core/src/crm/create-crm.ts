import { type DependencyContainer, container as globalContainer, Lifecycle } from 'tsyringe';
import type { z } from 'zod';
import { resolveActor } from '../access/access-config.js';
import { type Actor, DEFAULT_ACTOR, SYSTEM_ACTOR } from '../access/actor.js';
import { type ActorBinding, bindActor } from '../access/bind-actor.js';
import type { PersonalRowShape } from '../access/masking.js';
import { CORE_PERMISSION_MAP, type PermissionMap } from '../access/permission-map.js';
import { AuditLog } from '../audit/audit-log.js';
import { auditStoreParts } from '../audit/audit-store-parts.js';
import { auditTablesPlugin } from '../audit/audit-tables.js';
import { auditedStore } from '../audit/audited-store.js';
import { type Clock, systemClock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import { uuidV7Ids } from '../contracts/id-generator.js';
import type { Storage } from '../contracts/storage.js';
import { rapportContainer } from '../di/rapport-container.js';
import {
  CLOCK,
  CRM_CONFIG,
  EVENT_BUS,
  HOOK_RUNNER,
  ID_GENERATOR,
  JOB_REGISTRY,
  STORAGE,
  TENANT_CONTEXT,
  TENANT_ID,
  TENANT_STORE,
} from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { PluginError, ValidationError } from '../errors/error-classes.js';
import { isRapportError } from '../errors/rapport-error.js';
import { EventBus } from '../events/event-bus.js';
import { APP_HOOK_OWNER, HookRunner } from '../hooks/hook-runner.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { JobService } from '../jobs/job-service.js';
import { JobWorkers, type WorkerOptions } from '../jobs/job-workers.js';
import type { AnyObjectSchema, StandardTraits } from '../model/traits.js';
import { collectContributions } from '../plugins/contribution-registry.js';
import type { ContributionRegistry } from '../plugins/contributions.js';
import type { PluginContext, RapportPlugin } from '../plugins/define-plugin.js';
import type { PluginApis } from '../plugins/plugin-api.js';
import { orderPlugins } from '../plugins/plugin-order.js';
import type { TenantContext } from '../plugins/tenant-context.js';
import { PrivacyService } from '../privacy/privacy-service.js';
import { PRIVACY_TABLE_OWNER, PRIVACY_TABLES } from '../privacy/privacy-tables.js';
import { RETENTION_JOB_TYPE } from '../privacy/retention.js';
import { ConsentService } from '../services/consent-service.js';
import { CustomerService } from '../services/customer-service.js';
import { InteractionService } from '../services/interaction-service.js';
import { type ProfileOptions, withProfileSections } from '../services/profile-sections.js';
import { ProfileService } from '../services/profile-service.js';
import { SegmentCatalog } from '../services/segment-catalog.js';
import { SegmentService } from '../services/segment-service.js';
import type { Column } from '../tables/column.js';
import { bindAllTables, bindPluginTables, type TableBinding } from '../tables/table-binding.js';
import { type CrmOptions, type ResolvedCrmConfig, resolveCrmConfig } from './config.js';
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
 * the plugins in dependency order, migrated storage, then started plugins. The Crm's type
 * includes what the plugins add (`crm.feedback`), inferred from the `plugins` list.
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
  const TPlugins extends readonly RapportPlugin[] = [],
>(
  options: Omit<CrmOptions, 'schema' | 'plugins'> & {
    schema?: { traits?: TTraitsSchema; interactionProperties?: TPropsSchema };
    plugins?: TPlugins;
  } = {},
): Promise<Crm<TraitsOf<TTraitsSchema>, PropsOf<TPropsSchema>, PluginApis<TPlugins>>> {
  type TheCrm = Crm<TraitsOf<TTraitsSchema>, PropsOf<TPropsSchema>, PluginApis<TPlugins>>;
  const config = resolveCrmConfig(options as CrmOptions);
  const plugins = orderPlugins(options.plugins ?? []);
  const contributions = collectContributions(plugins);
  // Declarations are checked before anything is opened or registered, so a bad one fails fast.
  const tables = bindAllTables(config.audit ? [...plugins, auditTablesPlugin] : plugins);
  // Core's own privacy tables go through the same DSL, so every storage has them without migrations of its own.
  const coreTables = bindPluginTables(PRIVACY_TABLE_OWNER, PRIVACY_TABLES);
  const ids = options.ids ?? uuidV7Ids;
  const clock = options.clock ?? systemClock;
  // Plugins' hooks in dependency order, then the app's: the app has the last word on what is stored.
  const hooks = new HookRunner(
    [...plugins.map((plugin) => ({ owner: plugin.name, hooks: plugin.hooks })), { owner: APP_HOOK_OWNER, hooks: options.hooks }],
    clock,
  );
  const storage: Storage = options.storage ?? (await resolveDefaultStorage());
  const events = new EventBus(
    options.onListenerError ?? ((error, event) => console.error(`[rapport] listener of "${event}" failed:`, error)),
  );
  const container = globalContainer.createChildContainer();
  container.register(STORAGE, { useValue: storage });
  container.register(CLOCK, { useValue: clock });
  container.register(ID_GENERATOR, { useValue: ids });
  container.register(EVENT_BUS, { useValue: events });
  container.register(CRM_CONFIG, { useValue: config });
  const jobs = new JobRegistry();
  container.register(JOB_REGISTRY, { useValue: jobs });
  for (const serviceClass of TENANT_SERVICES) {
    // Container-scoped: each tenant's child container builds its own instances over its own TENANT_STORE.
    const token = serviceClass as new (...args: never[]) => unknown;
    container.register(token, { useClass: token }, { lifecycle: Lifecycle.ContainerScoped });
  }

  container.register(HOOK_RUNNER, { useValue: hooks });

  const context: PluginContext = { container: rapportContainer(container), events, storage, clock, hooks };
  const started: RapportPlugin[] = [];
  const workers = new Set<JobWorkers>();
  let closed = false;
  const tenants = new Map<string, TheCrm>();
  const rawViews = new Map<string, Crm>();
  const binding: ActorBinding = {
    map: permissionMap(plugins),
    access: config.access,
    personalRows: personalRowShapes(plugins),
    rawView: (tenantId) => {
      forTenant(tenantId);
      return rawViews.get(tenantId) as Crm;
    },
    auditOf: (view) => view.audit,
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const running of workers) await running.stop();
    for (const plugin of [...started].reverse()) await plugin.stop?.();
    events.clear();
    await storage.close();
  };

  const forTenant = (tenantId: string): TheCrm => {
    if (typeof tenantId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(tenantId)) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [
        { path: ['tenantId'], message: 'must be 1-128 characters: letters, digits, _ . : -' },
      ]);
    }
    const existing = tenants.get(tenantId);
    if (existing) return existing;
    const raw = buildTenantView({
      binding,
      parent: container,
      storage,
      events,
      clock,
      ids,
      config,
      plugins,
      contributions,
      tables,
      tenantId,
      forTenant,
      close,
      makeWorkers,
    });
    rawViews.set(tenantId, raw);
    // With the audit log on, calls without `as` run as the default actor, so they are logged by name.
    const view = (config.audit ? bindActor(raw, DEFAULT_ACTOR, binding) : raw) as TheCrm;
    tenants.set(tenantId, view);
    return view;
  };

  const makeWorkers = (workerOptions?: WorkerOptions): JobWorkers => {
    const made = new JobWorkers(
      { storage, registry: jobs, clock, ids, crmFor: (tenantId) => bindActor(binding.rawView(tenantId), SYSTEM_ACTOR, binding) },
      workerOptions,
    );
    workers.add(made);
    return made;
  };

  try {
    jobs.add('createCrm', options.jobs ?? {});
    jobs.add(PRIVACY_TABLE_OWNER, {
      [RETENTION_JOB_TYPE]: async ({ crm }) => {
        await crm.privacy.runRetention();
      },
    });
    for (const plugin of plugins) jobs.add(plugin.name, plugin.jobs ?? {});
    for (const plugin of plugins) await runPluginStep(plugin, 'register', () => plugin.register?.(context));
    await storage.migrate(
      plugins.flatMap((plugin) => plugin.migrations ?? []),
      [...tables, ...coreTables],
    );
    const crm = forTenant(config.tenant);
    if (config.privacy.retention.interactions || config.privacy.retention.inactiveCustomers) await crm.privacy.scheduleRetention();
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

/** What {@link buildTenantView} needs from the Crm being built. */
interface TenantViewParts {
  readonly binding: ActorBinding;
  readonly parent: DependencyContainer;
  readonly storage: Storage;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly config: ResolvedCrmConfig;
  readonly plugins: readonly RapportPlugin[];
  readonly contributions: ContributionRegistry;
  /** The plugins' tables (not core's own), for privacy export and erasure. */
  readonly tables: readonly TableBinding[];
  readonly tenantId: string;
  readonly forTenant: (tenantId: string) => unknown;
  readonly close: () => Promise<void>;
  readonly makeWorkers: (options?: WorkerOptions) => JobWorkers;
}

/**
 * One tenant's Crm: a child container with the tenant's store and context, the core services
 * resolved from it, and each plugin's API built over the same context.
 */
function buildTenantView(parts: TenantViewParts): Crm {
  const { tenantId, storage, events } = parts;
  const scope = parts.parent.createChildContainer();
  const rawStore = storage.forTenant(tenantId);
  const audit = new AuditLog(rawStore, { clock: parts.clock, ids: parts.ids, enabled: parts.config.audit });
  // With the audit log on, every write through the tenant's store ends its transaction with its entries.
  const store = parts.config.audit ? auditedStore(rawStore, auditStoreParts(audit)) : rawStore;
  scope.register(TENANT_ID, { useValue: tenantId });
  scope.register(TENANT_STORE, { useValue: store });
  const container = rapportContainer(scope);
  const profiles = scope.resolve(ProfileService);
  const jobs = scope.resolve(JobService);
  const view: Record<string, unknown> = {
    tenantId,
    customers: scope.resolve(CustomerService),
    interactions: scope.resolve(InteractionService),
    consent: scope.resolve(ConsentService),
    segments: scope.resolve(SegmentService),
    jobs,
    events,
    storage,
    container,
    contributions: parts.contributions,
    profile: async (customerId: string, options?: ProfileOptions) =>
      withProfileSections(await profiles.profile(customerId, options), options?.include, parts.contributions, crm),
    forTenant: parts.forTenant,
    workers: parts.makeWorkers,
    startWorkers: (options?: WorkerOptions) => parts.makeWorkers(options).start(),
    close: parts.close,
    audit,
    as: (actor: Actor) => bindActor(crm, resolveActor(actor, parts.binding.access), parts.binding),
  };
  const crm = view as unknown as Crm;
  const context: TenantContext = {
    tenantId,
    store,
    clock: parts.clock,
    ids: parts.ids,
    events,
    config: parts.config,
    jobs,
    crm,
    resolve: (token) => container.resolve(token),
  };
  scope.register(TENANT_CONTEXT, { useValue: context });
  view.privacy = new PrivacyService({ context, storageName: storage.name, bindings: parts.tables, contributions: parts.contributions });
  const owners = new Map<string, string>();
  for (const plugin of parts.plugins) {
    for (const [key, factory] of Object.entries(plugin.api ?? {})) {
      const owner = owners.get(key) ?? (key in view ? '@rapport/core' : undefined);
      if (owner !== undefined) {
        throw new PluginError(CoreErrorCode.PluginApiConflict, plugin.name, `adds crm.${key}, which ${owner} already provides`, {
          key,
          other: owner,
        });
      }
      owners.set(key, plugin.name);
      try {
        view[key] = factory(context);
      } catch (error) {
        if (isRapportError(error)) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new PluginError(
          CoreErrorCode.PluginStartFailed,
          plugin.name,
          `api "${key}" failed for tenant "${tenantId}": ${reason}`,
          { step: 'api', key },
          error,
        );
      }
    }
  }
  return crm;
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

/** Core's permission map with each plugin's rules for its API (`access` in `definePlugin`). */
function permissionMap(plugins: readonly RapportPlugin[]): PermissionMap {
  const map: Record<string, PermissionMap[string]> = { ...CORE_PERMISSION_MAP };
  for (const plugin of plugins) for (const [key, rules] of Object.entries(plugin.access ?? {})) map[key] = rules;
  return map;
}

/** The row shapes of the plugins' tables that have personal columns (masked for actors without `pii:read`). */
function personalRowShapes(plugins: readonly RapportPlugin[]): PersonalRowShape[] {
  return plugins.flatMap((plugin) =>
    (plugin.tables ?? []).flatMap((table) => {
      const columns = Object.entries(table.columns as Record<string, Column<unknown>>);
      const personal = new Set(columns.filter(([, column]) => column.spec.personal).map(([name]) => name));
      return personal.size > 0 ? [{ columns: columns.map(([name]) => name), personal }] : [];
    }),
  );
}

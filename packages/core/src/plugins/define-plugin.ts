import type { z } from 'zod';
import type { PermissionRule } from '../access/permission-map.js';
import type { Permission } from '../access/permissions.js';
import type { Clock } from '../contracts/clock.js';
import type { Storage, StorageMigrationSet } from '../contracts/storage.js';
import type { RapportContainer } from '../di/rapport-container.js';
import { CoreErrorCode } from '../errors/codes.js';
import { PluginError } from '../errors/error-classes.js';
import type { EventBus } from '../events/event-bus.js';
import type { HookHandlers } from '../hooks/hook-handler.js';
import type { HookName } from '../hooks/hook-map.js';
import type { HookRunner } from '../hooks/hook-runner.js';
import type { JobDefinition, JobHandler } from '../jobs/job-handler.js';
import type { AnyTableDeclaration } from '../tables/define-table.js';
import { toValidationIssues } from '../util/parse.js';
import type { Contributions } from './contributions.js';
import type { PluginApiFactories } from './plugin-api.js';

/** What a plugin's `register` receives. */
export interface PluginContext {
  /** The Crm's own container: provide the plugin's values and services here. */
  readonly container: RapportContainer;
  readonly events: EventBus;
  readonly storage: Storage;
  readonly clock: Clock;
  /** Runs hook points; a plugin runs the ones it declares (`message.beforeSend`) through it. */
  readonly hooks: HookRunner;
}

/** What a plugin's `start` receives: the context plus the Crm of the default tenant. */
export interface PluginStartContext extends PluginContext {
  // The Crm type is generic over the app's schemas; plugins see its untyped shape.
  readonly crm: import('../crm/crm.js').Crm;
}

/**
 * A plugin: a plain object made by a factory function (`sms(options)`), so two Crm instances
 * with different options can live in one process.
 */
export interface RapportPlugin {
  /** Unique name, usually the package name, e.g. `@rapport/channel-sms`. */
  readonly name: string;
  /** Names of plugins that must be registered first. */
  readonly dependsOn?: readonly string[];
  /** Migrations for the plugin's own tables, run with the storage's. */
  readonly migrations?: readonly StorageMigrationSet[];
  /**
   * The plugin's own tables (see `defineTable`). `createCrm` checks them (a bad declaration
   * fails naming the plugin, the table and the field) and the storage creates or migrates
   * them; `TenantStore.table(declaration)` then gives a tenant's rows.
   */
  readonly tables?: readonly AnyTableDeclaration[];
  /** Job types the plugin runs (its outbox, timers, retries), registered before anything is enqueued. */
  readonly jobs?: Readonly<Record<string, JobHandler | JobDefinition>>;
  /**
   * What the plugin adds to the Crm, a factory per property: `{ feedback: (ctx) => new
   * FeedbackApi(ctx) }` gives a typed `crm.feedback`, built once per tenant with that
   * tenant's context. A name the Crm or another plugin already has fails `createCrm`.
   */
  readonly api?: PluginApiFactories;
  /** Routes, CLI commands and privacy contributors served by the packages that consume them. */
  readonly contributes?: Contributions;
  /**
   * Awaited interceptors by hook point (`customer.beforeCreate`, …): they may change or veto
   * an operation before it is stored. They run in dependency order, before the app's.
   */
  readonly hooks?: HookHandlers;
  /**
   * Permissions the plugin adds (declared for the type checker by merging into
   * `RapportPermissions`), so roles and actors may name them.
   */
  readonly permissions?: readonly Permission[];
  /**
   * The permission each method of the plugin's API needs, by API property and method
   * (`{ stamps: { balance: 'customers:read', redeem: 'stamps:redeem' } }`). A method left out
   * needs `admin` when called through `crm.as(actor)`.
   */
  readonly access?: Readonly<Record<string, Readonly<Record<string, PermissionRule>>>>;
  /** Registers providers in the Crm's container. Runs in dependency order, before migrations. */
  register?(context: PluginContext): void | Promise<void>;
  /** Starts background work once storage is migrated. Runs in dependency order. */
  start?(context: PluginStartContext): void | Promise<void>;
  /** Stops background work on `crm.close()`. Runs in reverse dependency order. */
  stop?(): void | Promise<void>;
}

/** Refuses, at compile time, a `hooks` key that names no hook point (a misspelt hook would never run). */
export type KnownHooks<T> = T extends { readonly hooks: infer H }
  ? { readonly hooks: { [K in keyof H]: K extends HookName ? H[K] : never } }
  : unknown;

/**
 * Gives a plugin object its type, keeping its literal `name` and `api` so the Crm made with it
 * is typed with what it adds; no runtime work.
 */
export function definePlugin<const T extends RapportPlugin>(plugin: T & KnownHooks<T>): T {
  return plugin;
}

/**
 * Validates a plugin's options once, at register time. A bad option fails `createCrm` with
 * a `PLUGIN_INVALID_OPTIONS` error naming the plugin and the field.
 */
export function parsePluginOptions<S extends z.ZodType>(plugin: string, schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const summary = issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`).join('; ');
  throw new PluginError(CoreErrorCode.PluginInvalidOptions, plugin, `invalid options — ${summary}`, { issues }, result.error);
}

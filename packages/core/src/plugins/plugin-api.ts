import type { TenantContext } from './tenant-context.js';

/**
 * What a plugin adds to the Crm: a factory per property name, called once per tenant with
 * that tenant's context. `{ feedback: (ctx) => new FeedbackApi(ctx) }` gives
 * `crm.feedback` and `crm.forTenant(id).feedback`.
 */
export type PluginApiFactories = Readonly<Record<string, (context: TenantContext) => unknown>>;

/** The properties one plugin adds to the Crm, inferred from its `api` factories. */
export type ApiOf<TPlugin> = TPlugin extends { readonly api: infer TFactories }
  ? { readonly [K in keyof TFactories]: TFactories[K] extends (context: TenantContext) => infer TApi ? TApi : never }
  : unknown;

/**
 * The properties a list of plugins adds to the Crm: each plugin's {@link ApiOf}, intersected.
 * Walks the tuple `createCrm` infers from its `plugins` literal; an empty list adds nothing.
 */
export type PluginApis<TPlugins extends readonly unknown[]> = TPlugins extends readonly [infer THead, ...infer TRest]
  ? ApiOf<THead> & PluginApis<TRest>
  : unknown;

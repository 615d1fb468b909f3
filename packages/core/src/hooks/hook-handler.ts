import type { Clock } from '../contracts/clock.js';
import type { TenantStore } from '../contracts/storage.js';
import type { HookFacts, HookInput, HookName } from './hook-map.js';

/** What a hook receives besides its input. */
export type HookContext<K extends HookName> = HookFacts<K> & {
  /** The hook point running. */
  readonly hook: K;
  /** Who registered this hook: a plugin's name, or `app` for `createCrm({ hooks })`. */
  readonly plugin: string;
  readonly tenantId: string;
  /**
   * The tenant's store inside the operation's transaction: what a hook writes here commits
   * with the operation or not at all. Keep hooks quick: locks are held while they run.
   */
  readonly store: TenantStore;
  readonly clock: Clock;
  /** Refuses the operation with a `HookVetoError` naming this hook, this plugin and `reason`. */
  veto(reason: string, details?: Record<string, unknown>): never;
};

/**
 * A hook: reads the (frozen) input, and returns a changed copy, or nothing to keep it. It
 * refuses the operation with `context.veto(reason)`; anything else it throws fails the
 * operation with `HOOK_FAILED`.
 */
export type HookHandler<K extends HookName> = (
  input: Readonly<HookInput<K>>,
  context: HookContext<K>,
) => HookResult<K> | Promise<HookResult<K>>;

/** What a hook returns: the changed input, or nothing (`undefined`, or no return at all) to keep it. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only vetoes or writes has no return statement.
export type HookResult<K extends HookName> = HookInput<K> | undefined | void;

/** Hooks by point, as a plugin's `hooks` field or `createCrm({ hooks })` gives them (one, or several in order). */
export type HookHandlers = { readonly [K in HookName]?: HookHandler<K> | readonly HookHandler<K>[] };

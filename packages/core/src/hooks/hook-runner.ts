import type { Clock } from '../contracts/clock.js';
import type { TenantStore } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import { PluginError } from '../errors/error-classes.js';
import { isRapportError } from '../errors/rapport-error.js';
import { RETRYABLE_CODES } from '../util/retry.js';
import { HookChangeError, HookFailedError, HookVetoError } from './hook-errors.js';
import type { HookContext, HookHandler, HookHandlers, HookResult } from './hook-handler.js';
import type { HookFacts, HookInput, HookName } from './hook-map.js';

/** Who registered a set of hooks: a plugin's name, or `app`. */
export interface HookRegistration {
  readonly owner: string;
  readonly hooks: HookHandlers | undefined;
}

/** How {@link HookRunner.run} runs one hook point. */
export interface RunHookOptions<K extends HookName> {
  /** The store of the operation's transaction; hooks write through it. */
  readonly store: TenantStore;
  /** What the hooks of this point read besides the input (`current` for updates). */
  readonly facts: HookFacts<K>;
  /**
   * Checks a hook's change with the schema the operation's own input went through and
   * returns the value to store; throws a `ValidationError` (naming each field) for a bad
   * value or a change to a field the hook may not touch.
   */
  readonly validate: (changed: unknown, before: HookInput<K>) => HookInput<K>;
}

/** The owner `createCrm({ hooks })` registers under; runs after every plugin's hooks. */
export const APP_HOOK_OWNER = 'app';

interface Entry {
  owner: string;
  handler: HookHandler<HookName>;
}

/**
 * Runs hook points: each registered hook in turn, plugins in dependency order, then the
 * app's, each seeing the input as the previous one left it. Core runs its own points
 * through it; a plugin runs the points it declares (`message.beforeSend`) through the same
 * runner (`context.hooks` in `register`, or the `HOOK_RUNNER` token).
 */
export class HookRunner {
  private readonly entries = new Map<string, Entry[]>();

  /** Registrations in the order their hooks run; a hook that is not a function fails naming its owner. */
  constructor(
    registrations: readonly HookRegistration[],
    private readonly clock: Clock,
  ) {
    for (const { owner, hooks } of registrations) {
      for (const [name, given] of Object.entries(hooks ?? {})) {
        const handlers = Array.isArray(given) ? given : [given];
        handlers.forEach((handler, index) => {
          if (typeof handler !== 'function') {
            const where = Array.isArray(given) ? `hooks.${name}.${index}` : `hooks.${name}`;
            throw new PluginError(CoreErrorCode.PluginInvalidOptions, owner, `${where}: must be a function`, {
              issues: [{ path: where.split('.'), message: 'must be a function' }],
            });
          }
          const list = this.entries.get(name) ?? [];
          list.push({ owner, handler: handler as HookHandler<HookName> });
          this.entries.set(name, list);
        });
      }
    }
  }

  /** True when any hook is registered for `name` (operations skip the work of running none). */
  has(name: HookName): boolean {
    return (this.entries.get(name)?.length ?? 0) > 0;
  }

  /** Who has hooks on `name`, in the order they run. */
  owners(name: HookName): string[] {
    return (this.entries.get(name) ?? []).map((entry) => entry.owner);
  }

  /**
   * Runs every hook of `name` on `input` and returns the input to store. Throws a
   * `HookVetoError` when a hook vetoes, a `HookChangeError` when one returns an invalid
   * change and a `HookFailedError` when one throws anything else — each naming the hook
   * point and the plugin. A retryable conflict a hook's own write hit passes through, so the
   * operation retries (and the hooks run again, on a fresh transaction).
   */
  async run<K extends HookName>(name: K, input: HookInput<K>, options: RunHookOptions<K>): Promise<HookInput<K>> {
    let current = input;
    for (const { owner, handler } of this.entries.get(name) ?? []) {
      const context = {
        ...options.facts,
        hook: name,
        plugin: owner,
        tenantId: options.store.tenantId,
        store: options.store,
        clock: this.clock,
        veto: (reason: string, details?: Record<string, unknown>): never => {
          throw new HookVetoError(name, owner, String(reason), details);
        },
      } as HookContext<K>;
      let result: HookResult<K>;
      try {
        // A frozen copy: a hook that edits its input in place fails loudly instead of
        // writing past the validation below.
        result = await (handler as unknown as HookHandler<K>)(deepFreeze(structuredClone(current)), context);
      } catch (error) {
        throw asHookError(error, name, owner);
      }
      if (result === undefined) continue;
      try {
        current = options.validate(result, current);
      } catch (error) {
        if (isRapportError(error, CoreErrorCode.InvalidInput) || isRapportError(error, CoreErrorCode.UnsupportedValue)) {
          throw new HookChangeError(name, owner, error.details.issues, error);
        }
        throw new HookFailedError(name, owner, error);
      }
    }
    return current;
  }
}

/** A veto, another hook's error or a retryable conflict pass through; anything else becomes `HOOK_FAILED`. */
function asHookError(error: unknown, name: string, owner: string): unknown {
  if (!isRapportError(error)) return new HookFailedError(name, owner, error);
  if (error.code.startsWith('HOOK_') || RETRYABLE_CODES.includes(error.code)) return error;
  return new HookFailedError(name, owner, error);
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const member of Object.values(value)) deepFreeze(member);
  return Object.freeze(value);
}

import './reflect.js';
import { injectable, inject as tsyringeInject } from 'tsyringe';
import { CoreErrorCode } from '../errors/codes.js';
import { RapportError } from '../errors/rapport-error.js';
import type { Resolvable } from './rapport-container.js';

/** tsyringe's metadata key for the tokens given with `@inject(TOKEN)`. */
const INJECTION_TOKENS_KEY = 'injectionTokens';

/** Any class constructor (its parameters are resolved by the container). */
// biome-ignore lint/suspicious/noExplicitAny: constructors of any shape are registered here.
export type AnyClass = abstract new (...args: any[]) => unknown;

const serviceClassRegistry = new Set<AnyClass>();

/**
 * Constructor parameter positions of `target` that have no `@inject(TOKEN)`. Without
 * decorator metadata (esbuild, tsup and tsx never emit it) such a parameter would silently
 * receive `undefined`.
 */
export function parametersWithoutToken(target: AnyClass): number[] {
  const tokens = (Reflect.getOwnMetadata(INJECTION_TOKENS_KEY, target) ?? {}) as Record<string, unknown>;
  const missing: number[] = [];
  for (let index = 0; index < target.length; index++) {
    if (!(String(index) in tokens)) missing.push(index);
  }
  return missing;
}

/**
 * Marks a class as resolvable by the Crm's container, like tsyringe's `@injectable()`, but
 * fails at once when a constructor parameter lacks `@inject(TOKEN)` instead of injecting
 * `undefined` at run time. Use it instead of `@injectable()` in Rapport and its plugins.
 *
 * @example
 * ```ts
 * @service()
 * class TicketService {
 *   constructor(@inject(TENANT_STORE) private readonly store: TenantStore) {}
 * }
 * ```
 */
export function service(): <T extends AnyClass>(target: T) => T {
  return <T extends AnyClass>(target: T): T => {
    const missing = parametersWithoutToken(target);
    if (missing.length > 0) {
      throw new RapportError({
        code: CoreErrorCode.DiParameterWithoutToken,
        kind: 'internal',
        message: `${target.name}: constructor parameter(s) ${missing.join(', ')} have no @inject(TOKEN); without decorator metadata they would receive undefined`,
        details: { className: target.name, parameters: missing },
      });
    }
    // tsyringe's decorator types predate abstract constructors; the runtime accepts any class.
    injectable()(target as unknown as new (...args: unknown[]) => unknown);
    serviceClassRegistry.add(target);
    return target;
  };
}

/** Every class decorated with {@link service} so far (used by the DI soundness test). */
export function serviceClasses(): readonly AnyClass[] {
  return [...serviceClassRegistry];
}

/**
 * Names the token a constructor parameter of a `@service()` class is resolved by (tsyringe's
 * `@inject`, re-exported so a plugin needs no tsyringe import of its own).
 *
 * @example
 * ```ts
 * @service()
 * class TicketService {
 *   constructor(@inject(TENANT_CONTEXT) private readonly tenant: TenantContext) {}
 * }
 * ```
 */
export const inject: (token: Resolvable<unknown>) => ParameterDecorator = (token) =>
  tsyringeInject(token as unknown as symbol) as ParameterDecorator;

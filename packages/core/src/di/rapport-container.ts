import { type DependencyContainer, instancePerContainerCachingFactory, Lifecycle } from 'tsyringe';
import { CoreErrorCode } from '../errors/codes.js';
import { RapportError } from '../errors/rapport-error.js';
import type { TenantContext } from '../plugins/tenant-context.js';
import type { AnyClass } from './service.js';
import type { Token } from './token.js';
import { TENANT_CONTEXT } from './tokens.js';

/** What a container resolves: a {@link Token} or a `@service()` class. */
// biome-ignore lint/suspicious/noExplicitAny: a class of any constructor shape resolves to its instance.
export type Resolvable<T> = Token<T> | (abstract new (...args: any[]) => T);

/**
 * The Crm's container as plugins see it. It keeps tsyringe an implementation detail: a
 * plugin provides values, per-tenant factories or `@service()` classes, and never touches
 * tsyringe's global container or its lifecycles.
 */
export interface RapportContainer {
  /** Provides one value to every tenant (options, a client shared by all tenants). */
  value<T>(token: Token<T>, value: T): void;
  /** Provides one instance per tenant, made on first use from that tenant's context. */
  perTenant<T>(token: Token<T>, factory: (context: TenantContext) => T): void;
  /**
   * Provides a `@service()` class, one instance per tenant. Its constructor parameters are
   * injected by their `@inject(TOKEN)` (usually just `@inject(TENANT_CONTEXT)`).
   */
  service(serviceClass: AnyClass): void;
  /** Resolves a token or service class; fails with `DI_NOT_PROVIDED` when nothing provides it. */
  resolve<T>(token: Resolvable<T>): T;
  /** Whether something provides `token` here or in a parent container. */
  has(token: Resolvable<unknown>): boolean;
}

/** A {@link RapportContainer} over one tsyringe child container. */
export function rapportContainer(container: DependencyContainer): RapportContainer {
  return {
    value: (token, value) => void container.register(token, { useValue: value }),
    perTenant: (token, factory) =>
      void container.register(token, {
        // Cached per resolving container, and every tenant resolves through its own child container.
        useFactory: instancePerContainerCachingFactory((resolving) => {
          if (!resolving.isRegistered(TENANT_CONTEXT, true)) throw notProvided(token, 'it is per tenant: resolve it from a tenant');
          return factory(resolving.resolve(TENANT_CONTEXT));
        }),
      }),
    service: (serviceClass) => {
      const token = serviceClass as unknown as new (...args: never[]) => unknown;
      container.register(token, { useClass: token }, { lifecycle: Lifecycle.ContainerScoped });
    },
    resolve: <T>(token: Resolvable<T>): T => {
      const key = token as unknown as symbol;
      if (!container.isRegistered(key, true)) throw notProvided(token, 'nothing provides it');
      return container.resolve(key) as T;
    },
    has: (token) => container.isRegistered(token as unknown as symbol, true),
  };
}

function notProvided(token: Resolvable<unknown>, reason: string): RapportError {
  const name = typeof token === 'symbol' ? (token.description ?? 'a token') : token.name;
  return new RapportError({
    code: CoreErrorCode.DiNotProvided,
    kind: 'internal',
    message: `cannot resolve ${name}: ${reason}`,
    details: { token: name },
  });
}

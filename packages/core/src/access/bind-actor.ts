import type { AuditLog } from '../audit/audit-log.js';
import type { Crm } from '../crm/crm.js';
import { type ResolvedAccessConfig, resolveActor } from './access-config.js';
import { type Actor, holds, type ResolvedActor } from './actor.js';
import { ForbiddenError } from './forbidden-error.js';
import { maskPersonalData, type PersonalRowShape, personalDataSubjects } from './masking.js';
import { type OperationContext, operationContext } from './operation-context.js';
import { type PermissionMap, type PermissionRule, ruleFor } from './permission-map.js';

/** What binding a Crm to an actor needs from the Crm being built. */
export interface ActorBinding {
  /** Core's rules and the plugins' (`access` in `definePlugin`). */
  readonly map: PermissionMap;
  readonly access: ResolvedAccessConfig;
  /** The plugin tables with personal columns, whose rows are masked in what plugin APIs return. */
  readonly personalRows: readonly PersonalRowShape[];
  /** The unbound view of a tenant (what `forTenant` binds again). */
  readonly rawView: (tenantId: string) => Crm;
  /** The tenant's audit log, to record reads of personal data and refused calls. */
  readonly auditOf: (view: Crm) => AuditLog;
}

/** Calls that return at once (not a promise): a refusal throws rather than rejects. */
const SYNC_OPERATIONS = new Set(['as', 'forTenant', 'workers', 'startWorkers', 'segments.validate']);

/**
 * The same Crm, every call made as `actor`: each property and service method is checked
 * against its rule in the permission map (a refusal is a `ForbiddenError` naming the actor,
 * the operation and the permission), runs with the actor and operation in context (the
 * audit log reads them), and returns personal data masked unless the actor holds `pii:read`
 * — in which case reading it is logged.
 */
export function bindActor(view: Crm, actor: ResolvedActor, binding: ActorBinding): Crm {
  const services = new Map<string, unknown>();
  const audit = binding.auditOf(view);

  const refuse = (operation: string, permission: string): ForbiddenError => new ForbiddenError(actor.id, operation, permission);
  const check = (operation: string, rule: PermissionRule): void => {
    if (rule !== 'open' && !holds(actor, rule)) throw refuse(operation, rule);
  };

  const afterRead = async (value: unknown, context: OperationContext): Promise<unknown> => {
    if (!holds(actor, 'pii:read')) return maskPersonalData(value, binding.access, binding.personalRows);
    const read = [...personalDataSubjects(value)].filter((id) => !context.written.has(id)).sort();
    await audit.record(
      read.map((customerId) => ({
        actorId: actor.id,
        actorKind: actor.kind,
        operation: context.operation,
        outcome: 'ok',
        customerId,
        detail: 'read',
      })),
    );
    return value;
  };

  const invoke = (operation: string, rule: PermissionRule, fn: (...args: unknown[]) => unknown, self: unknown, args: unknown[]) => {
    if (rule !== 'open' && !holds(actor, rule)) {
      const denied = refuse(operation, rule);
      if (SYNC_OPERATIONS.has(operation)) throw denied;
      const logged = audit.record([
        { actorId: actor.id, actorKind: actor.kind, operation, outcome: 'forbidden', customerId: null, detail: rule },
      ]);
      return logged.then(
        () => Promise.reject(denied),
        () => Promise.reject(denied),
      );
    }
    const context: OperationContext = { actor, operation, written: new Set() };
    return operationContext.run(context, () => {
      const result = fn.apply(self, args);
      return isThenable(result) ? Promise.resolve(result).then((value) => afterRead(value, context)) : result;
    });
  };

  const service = (key: string, target: Record<string, unknown>): unknown =>
    new Proxy(target, {
      get(object, method) {
        const value = Reflect.get(object, method, object);
        if (typeof method !== 'string' || typeof value !== 'function') return value;
        const rule = ruleFor(binding.map, key, method);
        return (...args: unknown[]) => invoke(`${key}.${method}`, rule, value as (...a: unknown[]) => unknown, object, args);
      },
    });

  const bound: Crm = new Proxy(view, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof key !== 'string') return value;
      if (key === 'as') {
        return (next: Actor) => {
          check('as', ruleFor(binding.map, 'as'));
          return bindActor(target, resolveActor(next, binding.access), binding);
        };
      }
      if (key === 'forTenant') return (tenantId: string) => bindActor(binding.rawView(tenantId), actor, binding);
      const rules = binding.map[key];
      if (typeof value === 'function') {
        const rule = ruleFor(binding.map, key);
        return (...args: unknown[]) => invoke(key, rule, value as (...a: unknown[]) => unknown, target, args);
      }
      if (typeof value === 'object' && value !== null && (rules === undefined || typeof rules === 'object')) {
        // A service (or a plugin's API): each method checked on its own.
        if (rules === undefined) check(key, 'admin');
        if (!services.has(key)) services.set(key, service(key, value as Record<string, unknown>));
        return services.get(key);
      }
      check(key, ruleFor(binding.map, key));
      return value;
    },
  }) as Crm;
  return bound;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

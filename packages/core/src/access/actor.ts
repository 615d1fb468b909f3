import type { Permission } from './permissions.js';

/** What kind of caller an actor is. */
export type ActorKind = 'user' | 'service' | 'system';

/**
 * Who a call runs as (`crm.as(actor)`): a person at a desk, a service with an API key, or
 * the system itself (jobs). Its permissions are the ones it lists plus those of its roles
 * (`createCrm({ access: { roles } })`).
 */
export interface Actor {
  /** A stable id the audit log records (a user id, a key id) — not a name or an e-mail. */
  id: string;
  kind: ActorKind;
  permissions?: readonly Permission[];
  /** Names of roles declared in `createCrm({ access: { roles } })`. */
  roles?: readonly string[];
}

/** An actor with its roles expanded: what the checks read. */
export interface ResolvedActor {
  readonly id: string;
  readonly kind: ActorKind;
  readonly permissions: ReadonlySet<Permission>;
}

/** The actor of a Crm that never calls `as`: it may do everything (apps without roles see nothing of access control). */
export const DEFAULT_ACTOR: ResolvedActor = Object.freeze({ id: 'app', kind: 'system', permissions: new Set<Permission>(['admin']) });

/** The actor job handlers run as. */
export const SYSTEM_ACTOR: ResolvedActor = Object.freeze({ id: 'system', kind: 'system', permissions: new Set<Permission>(['admin']) });

/** True when `actor` holds `permission` (`admin` implies every permission). */
export function holds(actor: ResolvedActor, permission: Permission): boolean {
  return actor.permissions.has('admin') || actor.permissions.has(permission);
}

import { z } from 'zod';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError, type ValidationIssue } from '../errors/error-classes.js';
import type { RapportPlugin } from '../plugins/define-plugin.js';
import { parseInput } from '../util/parse.js';
import type { Actor, ResolvedActor } from './actor.js';
import { CORE_PERMISSIONS, type Permission } from './permissions.js';

/** Options of `createCrm({ access })`: roles, and which fields beyond the standard ones are personal. */
export interface AccessOptions {
  /** Role name → the permissions it grants; actors name roles in `roles`. */
  roles?: Readonly<Record<string, readonly Permission[]>>;
  /**
   * Trait names (top level) that hold personal data besides the standard `name`, `firstName`,
   * `lastName`, `birthday` and `address`; masked for actors without `pii:read`.
   */
  personalTraits?: readonly string[];
  /** Interaction property names (top level) that hold personal data; masked likewise. */
  personalProperties?: readonly string[];
}

/** The access configuration services read, after defaults. */
export interface ResolvedAccessConfig {
  readonly roles: ReadonlyMap<string, ReadonlySet<Permission>>;
  readonly known: ReadonlySet<string>;
  readonly personalTraits: ReadonlySet<string>;
  readonly personalProperties: ReadonlySet<string>;
}

/** Traits personal by default: a person's name, birthday and address. */
export const STANDARD_PERSONAL_TRAITS: readonly string[] = ['name', 'firstName', 'lastName', 'birthday', 'address', 'email', 'phone'];

const AccessOptionsSchema = z
  .object({
    roles: z.record(z.string().min(1).max(64), z.array(z.string())).optional(),
    personalTraits: z.array(z.string().min(1)).optional(),
    personalProperties: z.array(z.string().min(1)).optional(),
  })
  .strict();

const ActorSchema = z
  .object({
    id: z.string().min(1).max(128),
    kind: z.enum(['user', 'service', 'system']),
    permissions: z.array(z.string()).optional(),
    roles: z.array(z.string()).optional(),
  })
  .strict();

/**
 * Checks `createCrm({ access })`: every role's permissions must be core's or declared by an
 * installed plugin (`permissions` in `definePlugin`); otherwise `ACCESS_UNKNOWN_PERMISSION`
 * naming `access.roles.<role>.<index>`.
 */
export function resolveAccessConfig(options: AccessOptions | undefined, plugins: readonly RapportPlugin[]): ResolvedAccessConfig {
  const parsed = parseInput(AccessOptionsSchema, options ?? {}, 'access', CoreErrorCode.InvalidOptions);
  const known = new Set<string>([...CORE_PERMISSIONS, ...plugins.flatMap((plugin) => plugin.permissions ?? [])]);
  const roles = new Map<string, ReadonlySet<Permission>>();
  const issues: ValidationIssue[] = [];
  for (const [role, permissions] of Object.entries(parsed.roles ?? {})) {
    issues.push(...unknownPermissions(permissions, known, ['access', 'roles', role]));
    roles.set(role, new Set(permissions as Permission[]));
  }
  if (issues.length > 0) throw new ValidationError(CoreErrorCode.UnknownPermission, issues);
  return {
    roles,
    known,
    personalTraits: new Set([...STANDARD_PERSONAL_TRAITS, ...(parsed.personalTraits ?? [])]),
    personalProperties: new Set(parsed.personalProperties ?? []),
  };
}

/**
 * Checks an actor given to `crm.as` and expands its roles: a malformed one fails with
 * `ACCESS_INVALID_ACTOR` (an unknown role too), an unknown permission with
 * `ACCESS_UNKNOWN_PERMISSION`, each naming `actor.<field>`.
 */
export function resolveActor(actor: Actor, config: ResolvedAccessConfig): ResolvedActor {
  const parsed = parseInput(ActorSchema, actor, 'actor', CoreErrorCode.InvalidActor);
  const permissions = new Set<Permission>(parsed.permissions as Permission[] | undefined);
  const unknownRoles: ValidationIssue[] = [];
  (parsed.roles ?? []).forEach((role, index) => {
    const granted = config.roles.get(role);
    if (!granted)
      unknownRoles.push({ path: ['actor', 'roles', index], message: `is not a role declared in createCrm({ access: { roles } })` });
    for (const permission of granted ?? []) permissions.add(permission);
  });
  if (unknownRoles.length > 0) throw new ValidationError(CoreErrorCode.InvalidActor, unknownRoles);
  const unknown = unknownPermissions(parsed.permissions ?? [], config.known, ['actor', 'permissions']);
  if (unknown.length > 0) throw new ValidationError(CoreErrorCode.UnknownPermission, unknown);
  return Object.freeze({ id: parsed.id, kind: parsed.kind, permissions });
}

function unknownPermissions(permissions: readonly string[], known: ReadonlySet<string>, path: (string | number)[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  permissions.forEach((permission, index) => {
    if (!known.has(permission)) {
      issues.push({ path: [...path, index], message: `"${permission}" is not a permission of core or an installed plugin` });
    }
  });
  return issues;
}

/**
 * The permissions an actor may hold, by name. Core declares its own; a plugin adds its
 * permissions by declaration merging, so a misspelt permission fails to compile, and lists
 * them in its `permissions` field so they are known at run time too:
 *
 * ```ts
 * declare module '@rapport/core' {
 *   interface RapportPermissions { 'stamps:redeem': true }
 * }
 * ```
 */
export interface RapportPermissions {
  /** Read customers, their timeline, consent state and segments (personal fields masked without `pii:read`). */
  'customers:read': true;
  /** Create, change, tag, merge customers and record interactions. */
  'customers:write': true;
  /** See personal fields unmasked; every such read is written to the audit log. */
  'pii:read': true;
  /** Grant, deny, withdraw and confirm consent. */
  'consent:write': true;
  /** Export everything held about a person (`crm.privacy.export`). */
  'privacy:export': true;
  /** Erase a person (`crm.privacy.erase`). */
  'privacy:erase': true;
  /** Everything, including jobs, segments' definitions, the audit log and the raw storage. */
  admin: true;
}

/** A permission name: one of core's or one an installed plugin declares. */
export type Permission = keyof RapportPermissions & string;

/** Core's permissions, as a run-time list. */
export const CORE_PERMISSIONS: readonly Permission[] = [
  'customers:read',
  'customers:write',
  'pii:read',
  'consent:write',
  'privacy:export',
  'privacy:erase',
  'admin',
];

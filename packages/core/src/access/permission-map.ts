import type { Permission } from './permissions.js';

/** What a call needs: a permission, or `open` for what any actor may do (reading `tenantId`, events). */
export type PermissionRule = Permission | 'open';

/** The rules of one Crm property: one rule for a method or value, or one per method of a service. */
export type PropertyRules = PermissionRule | Readonly<Record<string, PermissionRule>>;

/** The permission map: what each property and service method of a Crm needs, by property name. */
export type PermissionMap = Readonly<Record<string, PropertyRules>>;

/** Service methods that are not part of the API (helpers other services call, private ones): `admin` only. */
const internal = (...methods: string[]): Record<string, PermissionRule> => Object.fromEntries(methods.map((method) => [method, 'admin']));

const read = 'customers:read';
const write = 'customers:write';
const consent = 'consent:write';

/**
 * The one place core's permissions are decided: each service method of a Crm and the
 * permission it needs. A call the map does not name needs `admin`, so a method added
 * without an entry is closed, not open (the permission matrix test lists every method of
 * the Crm object and fails on one missing here). Plugins add the rules of their APIs with
 * `access` in `definePlugin`.
 */
export const CORE_PERMISSION_MAP: PermissionMap = {
  tenantId: 'open',
  events: { on: 'open', once: 'open', off: 'open', listenerCount: 'open', ...internal('emit', 'clear', 'wrap', 'onListenerError') },
  contributions: { of: 'open' },
  forTenant: 'open',
  storage: 'admin',
  container: 'admin',
  as: 'admin',
  workers: 'admin',
  startWorkers: 'admin',
  close: 'admin',
  profile: read,
  customers: {
    create: write,
    get: read,
    find: read,
    upsert: write,
    update: write,
    addIdentity: write,
    removeIdentity: write,
    tag: write,
    untag: write,
    list: read,
    merge: write,
    // Helpers other services use (they take a store and bypass the checks), and private ones.
    ...internal('requireLive', 'writeLocked', 'createForIdentity', 'announceCreated', 'mergeOnce', 'upsertOnce', 'mutate'),
    ...internal('inHookScope', 'insertNew', 'beforeCreate', 'beforeUpdate', 'afterIdentityChange', 'profileChanges', 'afterChange'),
    ...internal('newCustomer', 'patchedTraits', 'parseTags', 'validateTraits', 'versionConflict'),
  },
  interactions: {
    record: write,
    recordMany: write,
    timeline: read,
    ...internal('validate', 'writeWithoutRefused', 'writeBatch', 'beforeRecord', 'newInteraction', 'resolveCustomers', 'createUnknown'),
  },
  consent: {
    grant: consent,
    deny: consent,
    withdraw: consent,
    requestGrant: consent,
    confirm: consent,
    check: read,
    decide: read,
    assertAllowed: read,
    history: read,
    states: read,
    stateAt: read,
    ...internal('append', 'announce', 'checkNoticeVersion', 'checkExpiry', 'requireSecret'),
  },
  segments: {
    define: 'admin',
    declare: 'admin',
    update: 'admin',
    remove: 'admin',
    get: read,
    list: read,
    evaluate: read,
    count: read,
    countWhere: read,
    memberIds: read,
    members: read,
    validate: read,
    refresh: write,
    refreshCustomer: write,
    ...internal('checked', 'requireCustomerId', 'emitMembership'),
  },
  jobs: {
    enqueue: 'admin',
    enqueueMany: 'admin',
    schedule: 'admin',
    unschedule: 'admin',
    schedules: 'admin',
    get: 'admin',
    list: 'admin',
    deadLetters: 'admin',
    cancel: 'admin',
    replay: 'admin',
    ...internal('newJob'),
  },
  audit: { list: 'admin', verify: 'admin', forget: 'privacy:erase', ...internal('record', 'prepare', 'flush', 'entries', 'assertEnabled') },
  privacy: {
    export: 'privacy:export',
    erase: 'privacy:erase',
    // Whether an identity is suppressed says something about a person without naming them: a read.
    isSuppressed: read,
    suppressedAmong: read,
    unsuppress: 'privacy:erase',
    requests: 'privacy:export',
    refuse: 'admin',
    runRetention: 'admin',
    scheduleRetention: 'admin',
    ...internal('eraseInactive', 'contributors', 'runContributor', 'subject', 'openRequest', 'failRequest'),
  },
};

/** The rule of `key` (a property) or `key.method`; what the map leaves out needs `admin`. */
export function ruleFor(map: PermissionMap, key: string, method?: string): PermissionRule {
  const rules = map[key];
  if (rules === undefined) return 'admin';
  if (typeof rules === 'string') return rules;
  if (method === undefined) return 'open';
  return Object.hasOwn(rules, method) ? (rules[method] as PermissionRule) : 'admin';
}

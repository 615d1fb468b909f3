import { type CountryCode, isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { type AccessOptions, type ResolvedAccessConfig, resolveAccessConfig } from '../access/access-config.js';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage } from '../contracts/storage.js';
import { CoreErrorCode } from '../errors/codes.js';
import type { ListenerErrorHandler } from '../events/event-bus.js';
import type { HookHandlers } from '../hooks/hook-handler.js';
import type { JobDefinition, JobHandler } from '../jobs/job-handler.js';
import { type AnyObjectSchema, buildTraitsSchema } from '../model/traits.js';
import type { RapportPlugin } from '../plugins/define-plugin.js';
import {
  type PrivacyOptions,
  PrivacyOptionsSchema,
  type ResolvedPrivacyConfig,
  resolvePrivacyOptions,
} from '../privacy/privacy-options.js';
import type { ConflictingMatchPolicy } from '../services/identity-match.js';
import { parseInput } from '../util/parse.js';
import { type ConsentOptions, type ResolvedConsentConfig, resolveConsentOptions } from './consent-options.js';

/** Options of `createCrm`. The schemas make the returned Crm typed over the app's fields. */
export interface CrmOptions<TTraits extends AnyObjectSchema = AnyObjectSchema, TProps extends AnyObjectSchema = AnyObjectSchema> {
  /** Where records live. Defaults to embedded SQLite when `@rapport/storage-sql` is installed. */
  storage?: Storage;
  plugins?: readonly RapportPlugin[];
  /**
   * The app's own fields. Trait fields are added to the standard traits; keys the schema does
   * not know are rejected (use `z.looseObject` to allow them).
   */
  schema?: { traits?: TTraits; interactionProperties?: TProps };
  /** The tenant this Crm serves; other tenants via `crm.forTenant(id)`. Default `default`. */
  tenant?: string;
  clock?: Clock;
  ids?: IdGenerator;
  identities?: {
    /** Region for phone numbers written without a country code, e.g. `CN`. */
    defaultRegion?: CountryCode;
    /**
     * What `crm.customers.upsert` does when the input matches customers only through a shared
     * identity (a phone) while it carries a personal one (an e-mail, an external id) they
     * already have with another value: `create` a customer of its own and report the conflict
     * in the result, or `reject` the upsert with `CUSTOMER_CONFLICTING_MATCH`. Per call:
     * `upsert(input, { onConflictingMatch })`.
     * @defaultValue `'create'`
     */
    onConflictingMatch?: ConflictingMatchPolicy;
  };
  metrics?: {
    /** Interaction types that count as purchases. Default `['purchase', 'order.completed']`. */
    purchaseTypes?: readonly string[];
    /** Property of a purchase that holds its amount. Default `amount`. */
    amountProperty?: string;
  };
  segments?: {
    /**
     * Re-evaluate a customer's segments after each change to them (emitting enter/exit
     * events at once). Off by default: bulk imports stay fast, and time-window segments
     * need a scheduled `crm.segments.refresh()` anyway.
     */
    refreshOnChange?: boolean;
  };
  /** The consent ledger's rules: default policies per purpose, notice versions, the double opt-in key. */
  consent?: ConsentOptions;
  /** The app's own job types: a handler, or a handler with its retry policy, by type. */
  jobs?: Readonly<Record<string, JobHandler | JobDefinition>>;
  /**
   * The app's hooks by hook point: awaited, may change or veto an operation before it is
   * stored. They run after every plugin's hooks, so the app has the last word. See docs/hooks.md.
   */
  hooks?: HookHandlers;
  /** Receives errors thrown by event listeners. Default: `console.error`. */
  onListenerError?: ListenerErrorHandler;
  /** Roles for `crm.as(actor)`, and which traits and interaction properties are personal (masked without `pii:read`). */
  access?: AccessOptions;
  /**
   * Keep a hash-chained audit log (`crm.audit`) of every write, every read of personal data
   * and every refused call, each entry in the operation's own transaction. Off by default:
   * it costs every write a locked update of the tenant's chain head, so apps opt in. See
   * docs/access-control.md.
   * @defaultValue `false`
   */
  audit?: boolean;
  /** Export, erasure and retention: the suppression key, the request-log period, retention policies (docs/privacy.md). */
  privacy?: PrivacyOptions;
}

/** The configuration services read, after defaults. */
export interface ResolvedCrmConfig {
  readonly tenant: string;
  readonly traitsSchema: AnyObjectSchema;
  readonly interactionPropertiesSchema: z.ZodType<Record<string, unknown>>;
  readonly defaultRegion: CountryCode | undefined;
  readonly onConflictingMatch: ConflictingMatchPolicy;
  readonly purchaseTypes: ReadonlySet<string>;
  readonly amountProperty: string;
  readonly refreshOnChange: boolean;
  readonly consent: ResolvedConsentConfig;
  readonly access: ResolvedAccessConfig;
  readonly audit: boolean;
  readonly privacy: ResolvedPrivacyConfig;
}

const hasMethods =
  (...methods: string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
const isFunction = (value: unknown): boolean => typeof value === 'function';
const isZodObject = (value: unknown): boolean => value instanceof z.ZodObject;
const isPromise = (value: unknown): boolean => hasMethods('then')(value);

const OptionsShapeSchema = z.object({
  storage: z
    .custom<Storage>((value) => !isPromise(value), 'is a Promise: await postgres(…) and mysql(…) before passing them')
    .refine(hasMethods('migrate', 'forTenant', 'close'), 'must be a Storage such as sqlite(), memoryStorage() or await postgres(…)')
    .optional(),
  plugins: z
    .array(
      z.custom<RapportPlugin>(
        (value) => typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string',
        'must be a plugin object with a name, as made by a plugin factory such as sms(options)',
      ),
    )
    .optional(),
  schema: z
    .object({
      traits: z.custom<AnyObjectSchema>(isZodObject, 'must be a zod object schema such as z.object({ … })').optional(),
      interactionProperties: z.custom<AnyObjectSchema>(isZodObject, 'must be a zod object schema such as z.object({ … })').optional(),
    })
    .optional(),
  clock: z.custom<Clock>(hasMethods('now'), 'must be a Clock: an object with a now() method').optional(),
  ids: z.custom<IdGenerator>(hasMethods('next'), 'must be an IdGenerator: an object with a next() method').optional(),
  hooks: z
    .record(
      z.string(),
      z.union([z.custom<() => void>(isFunction, 'must be a function'), z.array(z.custom<() => void>(isFunction, 'must be a function'))]),
    )
    .optional(),
  onListenerError: z.custom<ListenerErrorHandler>((value) => typeof value === 'function', 'must be a function').optional(),
  tenant: z.string().min(1).max(128).optional(),
  identities: z
    .object({
      defaultRegion: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be a two-letter region such as "CN"')
        .refine((region) => isSupportedCountry(region), 'is not a region with phone numbers, e.g. "GB" or "CN"')
        .optional(),
      onConflictingMatch: z.enum(['create', 'reject']).optional(),
    })
    .optional(),
  metrics: z
    .object({
      purchaseTypes: z.array(z.string().min(1)).min(1).optional(),
      amountProperty: z.string().min(1).optional(),
    })
    .optional(),
  segments: z.object({ refreshOnChange: z.boolean().optional() }).optional(),
  audit: z.boolean().optional(),
  privacy: PrivacyOptionsSchema.optional(),
});

/** Applies defaults to the options and checks their shape. */
export function resolveCrmConfig(options: CrmOptions): ResolvedCrmConfig {
  parseInput(OptionsShapeSchema, options, 'options', CoreErrorCode.InvalidOptions);
  const customTraits = options.schema?.traits;
  const traitsSchema = buildTraitsSchema(customTraits);
  const props = options.schema?.interactionProperties;
  return {
    tenant: options.tenant ?? 'default',
    traitsSchema: customTraits && !isLoose(customTraits) ? traitsSchema.strict() : traitsSchema.loose(),
    interactionPropertiesSchema: props
      ? ((isLoose(props) ? props : props.strict()) as unknown as z.ZodType<Record<string, unknown>>)
      : z.record(z.string(), z.unknown()),
    defaultRegion: options.identities?.defaultRegion,
    onConflictingMatch: options.identities?.onConflictingMatch ?? 'create',
    purchaseTypes: new Set(options.metrics?.purchaseTypes ?? ['purchase', 'order.completed']),
    amountProperty: options.metrics?.amountProperty ?? 'amount',
    refreshOnChange: options.segments?.refreshOnChange ?? false,
    consent: resolveConsentOptions(options.consent),
    access: resolveAccessConfig(options.access, options.plugins ?? []),
    audit: options.audit ?? false,
    privacy: resolvePrivacyOptions(options.privacy),
  };
}

/** True when an object schema keeps keys it does not declare (`z.looseObject`, `.loose()`). */
function isLoose(schema: AnyObjectSchema): boolean {
  const catchall = schema._zod.def.catchall;
  return catchall !== undefined && catchall._zod.def.type !== 'never';
}

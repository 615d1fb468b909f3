import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { CreateCustomerInputSchema, UpsertCustomerInputSchema } from '../model/customer.js';
import { type Identity, IdentityFormatError, type IdentityInput, IdentityInputSchema, normalizeIdentity } from '../model/identity.js';
import { RecordInteractionInputSchema } from '../model/interaction.js';

/**
 * The whole-input schemas of one Crm: structure, identity normalisation and the app's own
 * fields checked in one pass, so a `ValidationError` lists every bad field of the input at
 * once (`traits.birthday: Invalid ISO date; identities.0.value: "nope" is not a valid e-mail
 * address`), not only the first one found.
 */
export interface InputSchemas {
  /** `customers.create`: traits against the app's schema, identities normalised. */
  readonly create: ReturnType<typeof createSchema>;
  /** `customers.upsert`: the traits patch checked key by key (the merged traits are checked again). */
  readonly upsert: ReturnType<typeof upsertSchema>;
  /** `interactions.record`: properties against the app's schema, the identity normalised, the purchase amount. */
  readonly record: ReturnType<typeof recordSchema>;
}

/** A validated `record` input. */
export type ParsedRecordInput = z.output<InputSchemas['record']>;

/**
 * Largest absolute amount of one purchase: 10^12 (a trillion in any currency). Bounded so
 * that totals stay finite in every storage's sum; they are exact to the cent while below
 * 10^13 (PostgreSQL rounds sums to 15 significant digits).
 */
export const MAX_AMOUNT = 1e12;

const cache = new WeakMap<ResolvedCrmConfig, InputSchemas>();

/** The input schemas of a Crm's configuration, built once per configuration. */
export function inputSchemasFor(config: ResolvedCrmConfig): InputSchemas {
  let schemas = cache.get(config);
  if (!schemas) {
    schemas = { create: createSchema(config), upsert: upsertSchema(config), record: recordSchema(config) };
    cache.set(config, schemas);
  }
  return schemas;
}

/** An identity as passed in, normalised; a malformed value is an issue at `value`. */
export function normalizedIdentitySchema(defaultRegion: CountryCode | undefined) {
  return IdentityInputSchema.transform((input, ctx): Identity => {
    try {
      return normalizeIdentity(input as IdentityInput, { defaultRegion });
    } catch (error) {
      if (!(error instanceof IdentityFormatError)) throw error;
      ctx.addIssue({ code: 'custom', path: [error.field], message: error.message, input });
      return z.NEVER;
    }
  });
}

function createSchema(config: ResolvedCrmConfig) {
  const shape = CreateCustomerInputSchema.shape;
  return z.object({
    traits: config.traitsSchema.default({}),
    identities: z.array(normalizedIdentitySchema(config.defaultRegion)).max(100).default([]),
    tags: shape.tags,
    lifecycleStage: shape.lifecycleStage,
  });
}

function upsertSchema(config: ResolvedCrmConfig) {
  const shape = UpsertCustomerInputSchema.shape;
  // A patch: each given key is checked (null removes a key, so it is left to the merged check).
  const patch = config.traitsSchema.partial();
  return z.object({
    traits: shape.traits.superRefine((traits, ctx) => {
      const given = Object.fromEntries(Object.entries(traits).filter(([, value]) => value !== null));
      const result = patch.safeParse(given);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, input: undefined } as never);
    }),
    identities: z.array(normalizedIdentitySchema(config.defaultRegion)).min(1, 'at least one identity is needed to upsert').max(100),
    tags: shape.tags,
    lifecycleStage: shape.lifecycleStage,
  });
}

function recordSchema(config: ResolvedCrmConfig) {
  const shape = RecordInteractionInputSchema.shape;
  return z
    .object({
      ...shape,
      identity: normalizedIdentitySchema(config.defaultRegion).optional(),
      properties: config.interactionPropertiesSchema.default({}),
    })
    .superRefine((input, ctx) => {
      if (input.customerId === undefined && input.identity === undefined) {
        ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'give either customerId or identity' });
      }
      if (!config.purchaseTypes.has(input.type)) return;
      const amount = input.properties[config.amountProperty];
      if (amount !== undefined && (typeof amount !== 'number' || !Number.isFinite(amount) || Math.abs(amount) > MAX_AMOUNT)) {
        ctx.addIssue({
          code: 'custom',
          path: ['properties', config.amountProperty],
          message: `the amount of a purchase must be a finite number of at most ${MAX_AMOUNT.toLocaleString('en')} either way`,
        });
      }
    });
}

import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';

/** The kinds of identity a customer can be known by. */
export const IDENTITY_TYPES = ['email', 'phone', 'external'] as const;
/** One of {@link IDENTITY_TYPES}. */
export type IdentityType = (typeof IDENTITY_TYPES)[number];

const namespaceSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/, 'must be 1-64 characters: a-z, 0-9, _ . : -');

/**
 * An identity as the app passes it in. `external` ids (a store loyalty card, a WeChat
 * openid, a Shopify customer id) need a `namespace` so that ids from two systems never clash.
 */
export const IdentityInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('email'), value: z.string().min(1).max(320) }),
  z.object({ type: z.literal('phone'), value: z.string().min(1).max(64) }),
  z.object({ type: z.literal('external'), namespace: namespaceSchema, value: z.string().trim().min(1).max(256) }),
]);
/** An identity before normalisation. */
export type IdentityInput = z.input<typeof IdentityInputSchema>;

/** A normalised identity as stored: e-mails lower-cased, phones in E.164. */
export const IdentitySchema = z.object({
  type: z.enum(IDENTITY_TYPES),
  /** `''` for e-mail and phone, the source system for external ids. */
  namespace: z.string(),
  value: z.string(),
});
/** A normalised identity. */
export type Identity = z.infer<typeof IdentitySchema>;

/** Options for {@link normalizeIdentity}. */
export interface NormalizeOptions {
  /** Region used for phone numbers written without a country code, e.g. `CN` or `GB`. */
  defaultRegion?: CountryCode | undefined;
}

/** Why a value could not be normalised; the caller turns it into a typed error. */
export class IdentityFormatError extends Error {
  constructor(
    readonly field: 'value',
    message: string,
  ) {
    super(message);
  }
}

// A pragmatic address check: one @, a non-empty local part, a dotted domain, no spaces.
const EMAIL_PATTERN = /^[^\s@"]+@[^\s@]+\.[^\s@.]+$/;

/** Trims and lower-cases an e-mail address and checks its shape. */
export function normalizeEmail(raw: string): string {
  const value = raw.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(value) || value.length > 320) {
    throw new IdentityFormatError('value', `"${raw}" is not a valid e-mail address`);
  }
  return value;
}

/** Parses a phone number (with `defaultRegion` for national formats) into E.164. */
export function normalizePhone(raw: string, defaultRegion?: CountryCode): string {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultRegion ? { defaultCountry: defaultRegion } : {});
  if (!parsed?.isValid()) {
    const hint = defaultRegion ? ` (default region ${defaultRegion})` : ' (no default region: use +country code)';
    throw new IdentityFormatError('value', `"${raw}" is not a valid phone number${hint}`);
  }
  return parsed.number;
}

/**
 * Normalises an identity so that the same person typed two ways is one identity.
 * Throws {@link IdentityFormatError} for a malformed e-mail or phone number.
 */
export function normalizeIdentity(input: IdentityInput, options: NormalizeOptions = {}): Identity {
  const parsed = IdentityInputSchema.parse(input);
  switch (parsed.type) {
    case 'email':
      return { type: 'email', namespace: '', value: normalizeEmail(parsed.value) };
    case 'phone':
      return { type: 'phone', namespace: '', value: normalizePhone(parsed.value, options.defaultRegion) };
    case 'external':
      return { type: 'external', namespace: parsed.namespace, value: parsed.value };
  }
}

/** A stable string key for an identity, used for maps and equality. */
export function identityKey(identity: Identity): string {
  return `${identity.type}\u0000${identity.namespace}\u0000${identity.value}`;
}

/** True when two normalised identities are the same. */
export function sameIdentity(a: Identity, b: Identity): boolean {
  return a.type === b.type && a.namespace === b.namespace && a.value === b.value;
}

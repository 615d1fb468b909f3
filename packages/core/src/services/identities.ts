import type { CountryCode } from 'libphonenumber-js';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';
import {
  type Identity,
  IdentityFormatError,
  type IdentityInput,
  IdentityInputSchema,
  identityKey,
  normalizeIdentity,
} from '../model/identity.js';
import { parseInput } from '../util/parse.js';

/**
 * Validates and normalises one identity, naming the field on failure
 * (e.g. `identities.1.value: "12" is not a valid phone number`).
 */
export function normalizeIdentityInput(input: unknown, path: (string | number)[], defaultRegion?: CountryCode): Identity {
  const parsed = parseInput(IdentityInputSchema, input, path);
  try {
    return normalizeIdentity(parsed as IdentityInput, { defaultRegion });
  } catch (error) {
    if (error instanceof IdentityFormatError) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: [...path, error.field], message: error.message }], error);
    }
    throw error;
  }
}

/** Drops repeats from normalised identities (the same person typed two ways), keeping the first's place. */
export function uniqueIdentities(identities: readonly Identity[]): Identity[] {
  const seen = new Map<string, Identity>();
  for (const identity of identities) if (!seen.has(identityKey(identity))) seen.set(identityKey(identity), identity);
  return [...seen.values()];
}

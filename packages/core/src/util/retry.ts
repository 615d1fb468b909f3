import { CoreErrorCode } from '../errors/codes.js';
import type { RapportErrorCode } from '../errors/error-code-registry.js';
import { isRapportError } from '../errors/rapport-error.js';

/** Error codes that mean "a concurrent writer got there first; read again and retry". */
export const RETRYABLE_CODES: readonly RapportErrorCode[] = [
  CoreErrorCode.IdentityTaken,
  CoreErrorCode.VersionConflict,
  CoreErrorCode.CustomerMerged,
  CoreErrorCode.StorageConflict,
];

/**
 * Runs `attempt` until it succeeds, retrying on a concurrent-write conflict with jittered
 * exponential backoff (1-2 ms, then 2-4 ms, … capped at 50 ms), so many writers racing for
 * one record all finish instead of colliding again in lockstep. `codes` narrows what counts
 * as a conflict where one of them is the caller's own answer (`IDENTITY_TAKEN` for addIdentity).
 */
export async function retryOnConflict<T>(
  attempt: (round: number) => Promise<T>,
  maxAttempts = 10,
  codes: readonly RapportErrorCode[] = RETRYABLE_CODES,
): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt(round);
    } catch (error) {
      const retryable = codes.some((code) => isRapportError(error, code));
      if (!retryable || round >= maxAttempts) throw error;
      const base = Math.min(50, 2 ** (round - 1));
      await new Promise((resolve) => setTimeout(resolve, base + Math.random() * base));
    }
  }
}

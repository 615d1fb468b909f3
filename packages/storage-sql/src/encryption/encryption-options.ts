import type { KeyProvider } from '@rapport/core/storage';
import { z } from 'zod';

/**
 * Field-level encryption of a SQL storage: identity values, personal traits and personal
 * plugin-table columns are stored as AES-256-GCM ciphertexts (see docs/encryption.md).
 */
export interface EncryptionOptions {
  /** Where the keys come from: `envKeyProvider()`, `fileKeyProvider(path)`, `wrappedKeyProvider({…})` for a KMS. */
  keys: KeyProvider;
  /**
   * The app's own traits that hold personal data, encrypted beside the standard ones
   * (`DEFAULT_PERSONAL_TRAITS`: name, firstName, lastName, birthday, address, email, phone).
   * Segments cannot compare encrypted traits. Top-level trait names only.
   * @default []
   */
  personalTraits?: string[];
}

/** The zod schema the `encryption` option of every SQL storage is checked with. */
export const EncryptionOptionsSchema = z.object({
  keys: z.custom<KeyProvider>(
    (value) => typeof value === 'object' && value !== null && typeof (value as KeyProvider).load === 'function',
    'must be a KeyProvider, e.g. envKeyProvider() or fileKeyProvider(path)',
  ),
  personalTraits: z
    .array(
      z
        .string()
        .min(1)
        .max(128)
        .regex(/^[^.]+$/, 'must be a top-level trait name (no dots)'),
    )
    .default([]),
});

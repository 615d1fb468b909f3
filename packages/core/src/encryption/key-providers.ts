import { readFile } from 'node:fs/promises';
import { ValidationError } from '../errors/error-classes.js';
import { EncryptionErrorCode } from './encryption-error-codes.js';
import type { KeyProvider, KeySet } from './key-provider.js';
import { checkKeySet, type KeySetText, parseKeySet } from './key-set.js';

/** Options of {@link envKeyProvider}. */
export interface EnvKeyProviderOptions {
  /**
   * Variable holding the keys as `id:base64key` entries separated by commas.
   * @default 'RAPPORT_ENCRYPTION_KEYS'
   */
  variable?: string;
  /**
   * Variable holding the primary key id; the first key when unset.
   * @default 'RAPPORT_ENCRYPTION_PRIMARY_KEY'
   */
  primaryVariable?: string;
  /**
   * Variable holding the base64 blind-index secret; when unset the storage's `blindIndexKey` stays in use.
   * @default 'RAPPORT_BLIND_INDEX_KEY'
   */
  blindIndexVariable?: string;
  /** Where to read the variables. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Keys from environment variables: `RAPPORT_ENCRYPTION_KEYS=k2:base64…,k1:base64…`, the
 * primary in `RAPPORT_ENCRYPTION_PRIMARY_KEY` (or the first key). Generate a key with
 * `openssl rand -base64 32`.
 *
 * @example
 * ```ts
 * const storage = sqlite({ filename: 'crm.db', encryption: { keys: envKeyProvider() } });
 * ```
 */
export function envKeyProvider(options: EnvKeyProviderOptions = {}): KeyProvider {
  const variable = options.variable ?? 'RAPPORT_ENCRYPTION_KEYS';
  const primaryVariable = options.primaryVariable ?? 'RAPPORT_ENCRYPTION_PRIMARY_KEY';
  const blindIndexVariable = options.blindIndexVariable ?? 'RAPPORT_BLIND_INDEX_KEY';
  return {
    source: `env:${variable}`,
    async load() {
      const env = options.env ?? process.env;
      const text = env[variable];
      if (text === undefined || text.trim() === '')
        throw new ValidationError(EncryptionErrorCode.KeyInvalid, [{ path: [variable], message: 'is not set (id:base64key,…)' }]);
      const keys = text.split(',').map((entry) => {
        const colon = entry.indexOf(':');
        return colon < 0 ? (['', entry.trim()] as const) : ([entry.slice(0, colon).trim(), entry.slice(colon + 1).trim()] as const);
      });
      return parseKeySet(
        { primary: env[primaryVariable] || undefined, keys, blindIndexKey: env[blindIndexVariable] || undefined },
        variable,
      );
    },
  };
}

/**
 * Keys from a JSON file, read when the storage opens:
 * `{ "primary": "k2", "keys": { "k1": "base64…", "k2": "base64…" }, "blindIndexKey": "base64…" }`.
 * Keep it readable by the app's user only.
 */
export function fileKeyProvider(path: string): KeyProvider {
  const source = `file:${path}`;
  return {
    source,
    async load() {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(path, 'utf8'));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ValidationError(
          EncryptionErrorCode.KeyInvalid,
          [{ path: [source], message: `cannot read the key file: ${reason}` }],
          error,
        );
      }
      const file = (parsed ?? {}) as { primary?: unknown; keys?: unknown; blindIndexKey?: unknown };
      if (typeof file.keys !== 'object' || file.keys === null || Array.isArray(file.keys))
        throw new ValidationError(EncryptionErrorCode.KeyInvalid, [
          { path: [source, 'keys'], message: 'must be an object of key id → base64 key' },
        ]);
      const text: KeySetText = {
        primary: typeof file.primary === 'string' ? file.primary : undefined,
        keys: Object.entries(file.keys).map(([id, key]) => [id, String(key)] as const),
        blindIndexKey: typeof file.blindIndexKey === 'string' ? file.blindIndexKey : undefined,
      };
      return parseKeySet(text, source);
    },
  };
}

/** Options of {@link wrappedKeyProvider}. */
export interface WrappedKeyProviderOptions {
  /** Named in errors, e.g. `aws-kms:alias/rapport`. */
  source: string;
  /** The primary key id; the first key when absent. */
  primary?: string;
  /** Key id → the data key as the KMS wrapped (encrypted) it, base64. Safe to keep in config. */
  wrappedKeys: Readonly<Record<string, string>>;
  /** Asks the KMS to unwrap one data key (AWS KMS `Decrypt`, GCP `decrypt`, Vault transit `decrypt`). */
  unwrap: (keyId: string, wrapped: Uint8Array) => Promise<Uint8Array>;
  /** The blind-index secret, wrapped the same way. */
  wrappedBlindIndexKey?: string;
}

/**
 * Envelope encryption with a cloud KMS: data keys are stored wrapped by a master key that
 * never leaves the KMS, and unwrapped once when the storage opens (one KMS call per key per
 * start). Rotating the master key means re-wrapping the data keys; rotating a data key means
 * adding a wrapped key, making it primary and running the re-encryption job.
 */
export function wrappedKeyProvider(options: WrappedKeyProviderOptions): KeyProvider {
  return {
    source: options.source,
    async load() {
      const unwrap = (id: string, base64: string) => options.unwrap(id, Buffer.from(base64, 'base64'));
      const entries = Object.entries(options.wrappedKeys);
      const keys = await Promise.all(entries.map(async ([id, wrapped]) => ({ id, key: await unwrap(id, wrapped) })));
      const set: KeySet = {
        primaryKeyId: options.primary ?? entries[0]?.[0] ?? '',
        keys,
        blindIndexKey: options.wrappedBlindIndexKey === undefined ? undefined : await unwrap('blind-index', options.wrappedBlindIndexKey),
      };
      return checkKeySet(set, options.source);
    },
  };
}

/** A key set given in code (tests, or keys the app fetched itself); checked like the others. */
export function staticKeyProvider(set: KeySet, source = 'static'): KeyProvider {
  return { source, load: async () => checkKeySet(set, source) };
}

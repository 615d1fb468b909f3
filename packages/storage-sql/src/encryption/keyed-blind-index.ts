import { type BlindIndex, createBlindIndex } from '../blind-index.js';
import type { StorageEncryption } from './storage-encryption.js';

/**
 * The blind index of an encrypting storage: keyed by the key set's blind-index secret when
 * it has one, else by the storage's own `blindIndexKey` (so turning encryption on for an
 * existing database keeps every stored hash valid). Chosen at the first lookup, after the
 * keys are loaded.
 */
export function keyedBlindIndex(encryption: StorageEncryption, fallback: BlindIndex): BlindIndex {
  let chosen: BlindIndex | undefined;
  return (identity) => {
    if (!chosen) {
      const key = encryption.fields.blindIndexKey;
      chosen = key ? createBlindIndex(Buffer.from(key)) : fallback;
    }
    return chosen(identity);
  };
}

/**
 * One data key: an AES-256 key (32 bytes) and the id every ciphertext made with it carries.
 * Ids are 1–64 characters of `A–Z a–z 0–9 _ -`.
 */
export interface EncryptionKeyMaterial {
  readonly id: string;
  readonly key: Uint8Array;
}

/**
 * What a {@link KeyProvider} hands the storage: every key that may still be needed to decrypt,
 * and which one new writes use.
 */
export interface KeySet {
  /** The id of the key new values are encrypted with. */
  readonly primaryKeyId: string;
  /** Every key, the primary and the older ones that stored values may still be under. */
  readonly keys: readonly EncryptionKeyMaterial[];
  /**
   * Secret of the identity blind index (HMAC-SHA-256, at least 16 bytes). Absent: the
   * storage's `blindIndexKey` option (or its default) stays in use. Unlike data keys it cannot
   * rotate: every stored identity hash is made with it.
   */
  readonly blindIndexKey?: Uint8Array | undefined;
}

/**
 * Where a storage gets its encryption keys. Called once when the storage opens (in
 * `migrate`), so a provider backed by a cloud KMS makes one round trip per start, not one per
 * value: keep data keys wrapped (encrypted) by a KMS master key, and unwrap them in `load`
 * (see {@link wrappedKeyProvider}). Rotating means adding a key, making it primary and
 * restarting; the re-encryption job then moves old values onto it.
 */
export interface KeyProvider {
  /** Shown in errors: where the keys come from (`env:RAPPORT_ENCRYPTION_KEYS`, `file:/etc/keys.json`). */
  readonly source: string;
  /** The key set. May reject with a `ValidationError` naming the bad key. */
  load(): Promise<KeySet>;
}

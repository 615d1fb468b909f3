import { RapportError } from '@rapport/core';
import { DEFAULT_PERSONAL_TRAITS, EncryptionErrorCode, FieldCipher, type FieldLocation, type KeyProvider } from '@rapport/core/storage';
import { CiphertextMemo, identityField, traitField } from './ciphertext-memo.js';

/** Where identity values live, for their associated data. */
export const IDENTITY_VALUE = { table: 'rapport_identities', column: 'value' } as const;
/** Where traits live; each personal trait is its own field `traits.<name>`. */
export const CUSTOMER_TRAITS = { table: 'rapport_customers', column: 'traits' } as const;

/**
 * The encryption of one SQL storage: its key provider, which traits are personal, and (once
 * `load` ran, in `migrate`) the cipher. Repositories seal values before writing and open them
 * after reading, so everything above the storage sees plaintext.
 */
export class StorageEncryption {
  /** Top-level trait names stored encrypted. */
  readonly personalTraits: ReadonlySet<string>;
  private cipher: FieldCipher | undefined;
  /** Ciphertexts as last read or written: kept when a write leaves a trait unchanged, not decrypted twice. */
  private readonly memo = new CiphertextMemo();

  constructor(
    private readonly provider: KeyProvider,
    personalTraits: readonly string[] = [],
  ) {
    this.personalTraits = new Set([...DEFAULT_PERSONAL_TRAITS, ...personalTraits]);
  }

  /** Loads the keys (once); the storage calls it in `migrate`, before any read or write. */
  async load(): Promise<void> {
    this.cipher ??= await FieldCipher.load(this.provider);
  }

  /** The loaded cipher. */
  get fields(): FieldCipher {
    if (!this.cipher)
      throw new RapportError({
        code: EncryptionErrorCode.KeysNotLoaded,
        kind: 'internal',
        message: `the storage's encryption keys (${this.provider.source}) are not loaded: call migrate() (createCrm does) before using it`,
      });
    return this.cipher;
  }

  /** An identity value as stored: bound to its row (tenant and blind-index hash). */
  sealIdentity(tenantId: string, valueHash: string, value: string): string {
    const envelope = this.fields.encrypt(value, { tenantId, ...IDENTITY_VALUE, rowId: valueHash });
    this.memo.remember(identityField(tenantId, valueHash), value, envelope);
    return envelope;
  }

  /** A stored identity value → plaintext (plaintext written before encryption passes through). */
  openIdentity(tenantId: string, valueHash: string, stored: string): string {
    if (!FieldCipher.isEnvelope(stored)) return stored;
    const field = identityField(tenantId, valueHash);
    const known = this.memo.plaintextOf(field, stored);
    if (known !== undefined) return known;
    const value = this.fields.decrypt(stored, { tenantId, ...IDENTITY_VALUE, rowId: valueHash });
    this.memo.remember(field, value, stored);
    return value;
  }

  /**
   * Traits as stored: each personal trait's JSON encrypted into a string; the rest as given. A
   * trait whose value is the one last read or written at that field under the primary key keeps
   * its ciphertext (see `CiphertextMemo`); any other value gets a fresh nonce.
   */
  sealTraits(tenantId: string, customerId: string, traits: Record<string, unknown>): Record<string, unknown> {
    let sealed: Record<string, unknown> | undefined;
    for (const name of Object.keys(traits)) {
      const value = traits[name];
      if (!this.personalTraits.has(name) || value === undefined) continue;
      sealed ??= { ...traits };
      const json = JSON.stringify(value);
      const field = traitField(tenantId, customerId, name);
      const kept = this.memo.envelopeFor(field, json);
      if (kept !== undefined && !this.fields.isStale(kept)) {
        sealed[name] = kept;
        continue;
      }
      const envelope = this.fields.encrypt(json, traitLocation(tenantId, customerId, name));
      this.memo.remember(field, json, envelope);
      sealed[name] = envelope;
    }
    return sealed ?? traits;
  }

  /** Stored traits → plaintext traits (a ciphertext already authenticated at its field is not decrypted again). */
  openTraits(tenantId: string, customerId: string, traits: Record<string, unknown>): Record<string, unknown> {
    let opened: Record<string, unknown> | undefined;
    for (const name of Object.keys(traits)) {
      const value = traits[name];
      if (!this.personalTraits.has(name) || typeof value !== 'string' || !FieldCipher.isEnvelope(value)) continue;
      opened ??= { ...traits };
      const field = traitField(tenantId, customerId, name);
      let json = this.memo.plaintextOf(field, value);
      if (json === undefined) {
        json = this.fields.decrypt(value, traitLocation(tenantId, customerId, name));
        this.memo.remember(field, json, value);
      }
      opened[name] = JSON.parse(json);
    }
    return opened ?? traits;
  }

  /** A plugin-table cell as stored. */
  sealCell(at: FieldLocation, text: string): string {
    return this.fields.encrypt(text, at);
  }

  /** A stored plugin-table cell → its text. */
  openCell(at: FieldLocation, stored: string): string {
    return this.fields.open(stored, at);
  }
}

/** The field of one personal trait of a customer. */
export function traitLocation(tenantId: string, customerId: string, name: string): FieldLocation {
  return { tenantId, table: CUSTOMER_TRAITS.table, column: `${CUSTOMER_TRAITS.column}.${name}`, rowId: customerId };
}

/** The storage encryption for a driver's parsed `encryption` option, or none. */
export function storageEncryption(
  options: { keys: KeyProvider; personalTraits: readonly string[] } | undefined,
): StorageEncryption | undefined {
  return options ? new StorageEncryption(options.keys, options.personalTraits) : undefined;
}

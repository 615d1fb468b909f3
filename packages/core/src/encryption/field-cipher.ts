import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomFillSync } from 'node:crypto';
import { RapportError } from '../errors/rapport-error.js';
import { EncryptionErrorCode } from './encryption-error-codes.js';
import type { KeyProvider, KeySet } from './key-provider.js';
import { checkKeySet } from './key-set.js';

/** Where a value is stored: the associated data its ciphertext is bound to. */
export interface FieldLocation {
  readonly tenantId: string;
  /** Physical table name (`rapport_identities`). */
  readonly table: string;
  /** Column, or column and JSON key (`traits.name`). */
  readonly column: string;
  /** The row's primary key (beside the tenant), as text. */
  readonly rowId: string;
}

/** Every ciphertext starts with this: format version 1. */
export const ENVELOPE_PREFIX = 'rpe1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE = /^rpe1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]+)$/;
/** Nonces are cut from a pool of random bytes refilled 1,024 nonces at a time: one `randomBytes` call per value cost more than the cipher. */
const NONCE_POOL = Buffer.alloc(NONCE_BYTES * 1024);
let nonceOffset = NONCE_POOL.length;

/** A fresh random 96-bit nonce (from the CSPRNG; never handed out twice). */
function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > NONCE_POOL.length) {
    randomFillSync(NONCE_POOL);
    nonceOffset = 0;
  }
  const nonce = Buffer.from(NONCE_POOL.subarray(nonceOffset, nonceOffset + NONCE_BYTES));
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/**
 * AES-256-GCM for one field value at a time. A ciphertext is the text envelope
 * `rpe1.<keyId>.<base64url(nonce ‖ ciphertext ‖ tag)>`: a version, the id of the key it was
 * made with (so old values still decrypt after rotation), a random 96-bit nonce and the
 * 128-bit tag. The associated data binds it to its tenant, table, column and row (and the key
 * id and version), so a ciphertext copied to another row or column fails to decrypt.
 */
export class FieldCipher {
  /** The id of the key new values are encrypted with. */
  readonly primaryKeyId: string;
  /** The blind-index secret of the key set, when it has one. */
  readonly blindIndexKey: Uint8Array | undefined;
  /** Keys as key objects: creating a cipher from one skips copying and checking raw bytes each time. */
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(set: KeySet) {
    this.primaryKeyId = set.primaryKeyId;
    this.blindIndexKey = set.blindIndexKey;
    this.keys = new Map(set.keys.map((key) => [key.id, createSecretKey(Buffer.from(key.key))]));
  }

  /** Loads and checks the provider's key set. */
  static async load(provider: KeyProvider): Promise<FieldCipher> {
    return new FieldCipher(checkKeySet(await provider.load(), provider.source));
  }

  /** Whether a stored value is an envelope (rather than plaintext written before encryption was on). */
  static isEnvelope(value: string): boolean {
    return value.startsWith(ENVELOPE_PREFIX);
  }

  /** Encrypts `plaintext` under the primary key, bound to `at`. */
  encrypt(plaintext: string, at: FieldLocation): string {
    const keyId = this.primaryKeyId;
    const nonce = nextNonce();
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(keyId) as KeyObject, nonce);
    cipher.setAAD(associatedData(keyId, at));
    const body = Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${ENVELOPE_PREFIX}${keyId}.${body.toString('base64url')}`;
  }

  /**
   * Decrypts an envelope stored at `at`. A malformed envelope, an altered one or one moved from
   * elsewhere is `ENCRYPTION_DECRYPT_FAILED`; a key id the key set lacks is `ENCRYPTION_KEY_UNKNOWN`.
   */
  decrypt(envelope: string, at: FieldLocation): string {
    const field = `${at.table}.${at.column}`;
    const match = ENVELOPE.exec(envelope);
    const body = match ? Buffer.from(match[2] as string, 'base64url') : null;
    // Canonical base64 only: a changed padding bit must not decode to the same bytes.
    if (!match || !body || body.toString('base64url') !== match[2] || body.length < NONCE_BYTES + TAG_BYTES)
      throw decryptFailed(field, match?.[1] ?? null, 'malformed');
    const keyId = match[1] as string;
    const key = this.keys.get(keyId);
    if (!key)
      throw new RapportError({
        code: EncryptionErrorCode.KeyUnknown,
        kind: 'internal',
        message: `${field} is encrypted under key "${keyId}", which the key provider does not have`,
        details: { field, keyId },
      });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, NONCE_BYTES));
      decipher.setAAD(associatedData(keyId, at));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw decryptFailed(field, keyId, 'tampered', error);
    }
  }

  /** Decrypts an envelope; a value that is no envelope (plaintext from before encryption) is returned as it is. */
  open(value: string, at: FieldLocation): string {
    return FieldCipher.isEnvelope(value) ? this.decrypt(value, at) : value;
  }

  /** The key id of an envelope, or null for plaintext. */
  keyIdOf(value: string): string | null {
    return ENVELOPE.exec(value)?.[1] ?? null;
  }

  /** Whether a stored value needs re-encrypting: plaintext, or under a key other than the primary. */
  isStale(value: string): boolean {
    return this.keyIdOf(value) !== this.primaryKeyId;
  }
}

function associatedData(keyId: string, at: FieldLocation): Buffer {
  return Buffer.from(JSON.stringify(['rpe1', keyId, at.tenantId, at.table, at.column, at.rowId]), 'utf8');
}

function decryptFailed(field: string, keyId: string | null, reason: 'malformed' | 'tampered', cause?: unknown): RapportError {
  const why =
    reason === 'malformed' ? 'is not a readable ciphertext' : 'failed authentication (altered, or moved from another row or column)';
  return new RapportError({
    code: EncryptionErrorCode.DecryptFailed,
    kind: 'internal',
    message: `${field} ${why}`,
    details: { field, keyId, reason },
    cause,
  });
}

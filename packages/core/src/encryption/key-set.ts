import { ValidationError, type ValidationIssue } from '../errors/error-classes.js';
import { EncryptionErrorCode } from './encryption-error-codes.js';
import type { EncryptionKeyMaterial, KeySet } from './key-provider.js';

/** AES-256: 32-byte keys. */
export const KEY_BYTES = 32;
/** The shortest blind-index secret accepted, in bytes. */
export const MIN_BLIND_INDEX_KEY_BYTES = 16;
/** What a key id may be: it is written into every ciphertext, between dots. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A key set as text (environment variables, a JSON file): key ids → base64 keys. */
export interface KeySetText {
  /** The primary key id; the first key when absent. */
  primary?: string | undefined;
  keys: readonly (readonly [id: string, base64Key: string])[];
  /** Base64 secret of the identity blind index. */
  blindIndexKey?: string | undefined;
}

/**
 * Decodes and checks a key set given as text. Every problem is reported at once, each with
 * the path of the bad entry under `source` (`[source, 'keys', 'k1']`) and the reason.
 */
export function parseKeySet(text: KeySetText, source: string): KeySet {
  const issues: ValidationIssue[] = [];
  const keys: EncryptionKeyMaterial[] = [];
  text.keys.forEach(([id, base64], index) => {
    const problem = keyProblem(id, base64, keys);
    if (typeof problem === 'string') issues.push({ path: [source, 'keys', id === '' ? index : id], message: problem });
    else keys.push(problem);
  });
  if (text.keys.length === 0) issues.push({ path: [source, 'keys'], message: 'no keys given' });
  const primaryKeyId = text.primary ?? text.keys[0]?.[0] ?? '';
  if (text.primary !== undefined && !text.keys.some(([id]) => id === text.primary))
    issues.push({ path: [source, 'primary'], message: `primary key id "${text.primary}" is not among the keys` });
  let blindIndexKey: Uint8Array | undefined;
  if (text.blindIndexKey !== undefined) {
    const decoded = decodeBase64(text.blindIndexKey);
    if (decoded === null || decoded.length < MIN_BLIND_INDEX_KEY_BYTES)
      issues.push({ path: [source, 'blindIndexKey'], message: `must be base64 of at least ${MIN_BLIND_INDEX_KEY_BYTES} bytes` });
    else blindIndexKey = decoded;
  }
  if (issues.length > 0) throw new ValidationError(EncryptionErrorCode.KeyInvalid, issues);
  return { primaryKeyId, keys, blindIndexKey };
}

/** Checks a key set handed over as bytes (a custom or KMS provider), with the same rules. */
export function checkKeySet(set: KeySet, source: string): KeySet {
  const toText = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return parseKeySet(
    {
      primary: set.primaryKeyId,
      keys: set.keys.map((key) => [key.id, toText(key.key)] as const),
      blindIndexKey: set.blindIndexKey === undefined ? undefined : toText(set.blindIndexKey),
    },
    source,
  );
}

/** What is wrong with one key entry, or the decoded key. */
function keyProblem(id: string, base64: string, seen: readonly EncryptionKeyMaterial[]): string | EncryptionKeyMaterial {
  if (id === '') return 'missing key id (write entries as id:base64key)';
  if (!KEY_ID_PATTERN.test(id)) return 'key id must be 1–64 characters of A–Z a–z 0–9 _ -';
  if (seen.some((key) => key.id === id)) return `key id "${id}" is given twice`;
  const key = decodeBase64(base64);
  if (key === null) return 'key must be base64';
  if (key.length !== KEY_BYTES) return `key must be ${KEY_BYTES} bytes (AES-256), got ${key.length}`;
  return { id, key };
}

/** Base64 or base64url, or null when the text is not canonical base64 (a typo is not silently a different key). */
function decodeBase64(text: string): Buffer | null {
  const trimmed = text.trim().replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/_-]*$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === trimmed.replace(/-/g, '+').replace(/_/g, '/') ? bytes : null;
}

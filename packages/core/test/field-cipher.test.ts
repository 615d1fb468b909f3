import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRapportError } from '@rapport/core';
import {
  EncryptionErrorCode,
  envKeyProvider,
  FieldCipher,
  type FieldLocation,
  fileKeyProvider,
  staticKeyProvider,
} from '@rapport/core/storage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const key = () => randomBytes(32);
const k1 = key();
const k2 = key();
const cipher = new FieldCipher({
  primaryKeyId: 'k2',
  keys: [
    { id: 'k1', key: k1 },
    { id: 'k2', key: k2 },
  ],
});
const at: FieldLocation = { tenantId: 't1', table: 'rapport_identities', column: 'value', rowId: 'row-1' };
const location = fc.record({
  tenantId: fc.string({ minLength: 1, maxLength: 8 }),
  table: fc.constantFrom('rapport_identities', 'rapport_customers', 'stamps_cards'),
  column: fc.constantFrom('value', 'traits.name', 'traits.phone'),
  rowId: fc.string({ minLength: 1, maxLength: 12 }),
});

/** The error `work` throws, or fails the test. */
function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('FieldCipher', () => {
  it('round-trips any Unicode string, graphemes included, and never shows the plaintext', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), location, (text, where) => {
        const envelope = cipher.encrypt(text, where);
        expect(envelope.startsWith('rpe1.k2.')).toBe(true);
        if (text.length >= 4) expect(envelope.includes(text)).toBe(false);
        expect(cipher.decrypt(envelope, where)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('uses a fresh nonce for every value: the same text twice gives two ciphertexts', () => {
    expect(cipher.encrypt('ada@example.com', at)).not.toBe(cipher.encrypt('ada@example.com', at));
    // Across several refills of the nonce pool, no nonce comes twice.
    const nonces = new Set(
      Array.from({ length: 5000 }, () =>
        Buffer.from(cipher.encrypt('x', at).split('.')[2] as string, 'base64url')
          .subarray(0, 12)
          .toString('hex'),
      ),
    );
    expect(nonces.size).toBe(5000);
  });

  it('refuses any flipped byte of a ciphertext with a typed error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), fc.integer({ min: 1, max: 255 }), (text, position, mask) => {
        const envelope = Buffer.from(cipher.encrypt(text, at), 'utf8');
        const index = position % envelope.length;
        envelope[index] = (envelope[index] as number) ^ mask;
        const error = thrown(() => cipher.decrypt(envelope.toString('latin1'), at));
        expect(isRapportError(error, EncryptionErrorCode.DecryptFailed) || isRapportError(error, EncryptionErrorCode.KeyUnknown)).toBe(
          true,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a ciphertext moved to another tenant, table, column or row', () => {
    fc.assert(
      fc.property(fc.string(), location, location, (text, from, to) => {
        fc.pre(JSON.stringify(from) !== JSON.stringify(to));
        const error = thrown(() => cipher.decrypt(cipher.encrypt(text, from), to));
        expect(isRapportError(error, EncryptionErrorCode.DecryptFailed)).toBe(true);
        expect((error as { details: { reason: string } }).details.reason).toBe('tampered');
      }),
    );
  });

  it('decrypts values under an older key and reports them stale; a key it lacks is ENCRYPTION_KEY_UNKNOWN naming the key id', () => {
    const old = new FieldCipher({ primaryKeyId: 'k1', keys: [{ id: 'k1', key: k1 }] });
    const envelope = old.encrypt('+447700900123', at);
    expect(cipher.decrypt(envelope, at)).toBe('+447700900123');
    expect(cipher.isStale(envelope)).toBe(true);
    expect(cipher.isStale(cipher.encrypt('x', at))).toBe(false);
    expect(cipher.isStale('plain text')).toBe(true);
    const fresh = new FieldCipher({ primaryKeyId: 'k3', keys: [{ id: 'k3', key: key() }] });
    const error = thrown(() => fresh.decrypt(envelope, at));
    expect(isRapportError(error, EncryptionErrorCode.KeyUnknown)).toBe(true);
    expect(error).toMatchObject({ details: { keyId: 'k1', field: 'rapport_identities.value' } });
    expect(fresh.open('written before encryption', at)).toBe('written before encryption');
  });
});

describe('key providers', () => {
  const b64 = (bytes: Buffer) => bytes.toString('base64');

  it('envKeyProvider reads several keys and the primary', async () => {
    const env = { RAPPORT_ENCRYPTION_KEYS: `k1:${b64(k1)}, k2:${b64(k2)}`, RAPPORT_ENCRYPTION_PRIMARY_KEY: 'k2' };
    const set = await envKeyProvider({ env }).load();
    expect(set.primaryKeyId).toBe('k2');
    expect(set.keys.map((entry) => entry.id)).toEqual(['k1', 'k2']);
    expect(Buffer.from(set.keys[1]?.key as Uint8Array).equals(k2)).toBe(true);
  });

  it.each([
    ['a missing key id', `${b64(k1)}`, ['RAPPORT_ENCRYPTION_KEYS', 'keys', 0], /missing key id/],
    ['a key of the wrong length', `k1:${b64(randomBytes(16))}`, ['RAPPORT_ENCRYPTION_KEYS', 'keys', 'k1'], /32 bytes.*got 16/],
    ['a key that is not base64', 'k1:not*base64', ['RAPPORT_ENCRYPTION_KEYS', 'keys', 'k1'], /base64/],
    ['a bad key id', `k 1:${b64(k1)}`, ['RAPPORT_ENCRYPTION_KEYS', 'keys', 'k 1'], /key id must be/],
  ])('envKeyProvider refuses %s with ENCRYPTION_KEY_INVALID naming the entry', async (_name, value, path, message) => {
    const error = await envKeyProvider({ env: { RAPPORT_ENCRYPTION_KEYS: value } })
      .load()
      .catch((caught: unknown) => caught);
    expect(isRapportError(error, EncryptionErrorCode.KeyInvalid)).toBe(true);
    const issue = (error as { details: { issues: { path: unknown[]; message: string }[] } }).details.issues[0];
    expect(issue?.path).toEqual(path);
    expect(issue?.message).toMatch(message);
  });

  it('refuses an unset variable and a primary that is not among the keys', async () => {
    await expect(envKeyProvider({ env: {} }).load()).rejects.toMatchObject({
      code: 'ENCRYPTION_KEY_INVALID',
      details: { issues: [{ path: ['RAPPORT_ENCRYPTION_KEYS'] }] },
    });
    await expect(
      envKeyProvider({ env: { RAPPORT_ENCRYPTION_KEYS: `k1:${b64(k1)}`, RAPPORT_ENCRYPTION_PRIMARY_KEY: 'k9' } }).load(),
    ).rejects.toMatchObject({
      details: { issues: [{ path: ['RAPPORT_ENCRYPTION_KEYS', 'primary'], message: expect.stringMatching(/k9/) }] },
    });
  });

  it('fileKeyProvider reads a JSON key file; staticKeyProvider checks key lengths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rapport-keys-'));
    const path = join(dir, 'keys.json');
    await writeFile(path, JSON.stringify({ primary: 'k1', keys: { k1: b64(k1), k2: b64(k2) }, blindIndexKey: b64(key()) }));
    const set = await fileKeyProvider(path).load();
    expect(set.primaryKeyId).toBe('k1');
    expect(set.blindIndexKey?.length).toBe(32);
    await expect(fileKeyProvider(join(dir, 'missing.json')).load()).rejects.toMatchObject({ code: 'ENCRYPTION_KEY_INVALID' });
    await expect(staticKeyProvider({ primaryKeyId: 'k1', keys: [{ id: 'k1', key: randomBytes(31) }] }).load()).rejects.toMatchObject({
      details: { issues: [{ path: ['static', 'keys', 'k1'], message: expect.stringMatching(/got 31/) }] },
    });
  });
});

/** How many ciphertexts a storage remembers: a bound on memory, at about 200 bytes each. */
export const CIPHERTEXT_MEMO_ENTRIES = 20_000;

/**
 * The last ciphertext each encrypted field (a personal trait, an identity value) was read or
 * written with, and the plaintext it holds. Writing a customer back with a trait unchanged keeps
 * the stored ciphertext instead of encrypting the same value again (an upsert or update reads,
 * patches and writes the whole traits object), and reading a ciphertext byte for byte the one
 * already authenticated at that very field skips decrypting it again. A ciphertext is only ever
 * matched at the field it was made for or read from (tenant, table, row and column are in the
 * key), so a moved or altered one is still decrypted, and fails; the storage reuses one for a
 * write only while its key is the primary one, so rotation holds. Oldest entries go first.
 */
export class CiphertextMemo {
  private readonly entries = new Map<string, { plaintext: string; envelope: string }>();

  constructor(private readonly capacity = CIPHERTEXT_MEMO_ENTRIES) {}

  /** The ciphertext remembered for the field, if it holds exactly `plaintext`. */
  envelopeFor(field: string, plaintext: string): string | undefined {
    const entry = this.entries.get(field);
    return entry?.plaintext === plaintext ? entry.envelope : undefined;
  }

  /** The plaintext of `envelope` at the field, if that exact ciphertext was read or written there. */
  plaintextOf(field: string, envelope: string): string | undefined {
    const entry = this.entries.get(field);
    return entry?.envelope === envelope ? entry.plaintext : undefined;
  }

  /** Remembers that `envelope` at the field holds `plaintext`. */
  remember(field: string, plaintext: string, envelope: string): void {
    this.entries.delete(field);
    this.entries.set(field, { plaintext, envelope });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** The memo key of one trait of one customer. */
export function traitField(tenantId: string, customerId: string, name: string): string {
  return `${tenantId}\u0000traits\u0000${customerId}\u0000${name}`;
}

/** The memo key of one identity value (its row is the blind-index hash). */
export function identityField(tenantId: string, valueHash: string): string {
  return `${tenantId}\u0000identity\u0000${valueHash}`;
}

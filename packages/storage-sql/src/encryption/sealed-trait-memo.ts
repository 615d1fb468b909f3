/** How many trait ciphertexts a storage remembers: a bound on memory, at about 200 bytes each. */
export const SEALED_TRAIT_MEMO_ENTRIES = 20_000;

/**
 * The last ciphertext each personal trait was read or written with, and the JSON it holds, so
 * that writing a customer back with a trait unchanged keeps the stored ciphertext instead of
 * encrypting the same value again (an upsert or update reads, patches and writes the whole
 * traits object). A remembered ciphertext is only ever reused at the very field it was made
 * for (tenant, customer, trait: the key includes them) and only while its key is the primary
 * one, so the row binding and rotation hold; nothing read from the database is trusted
 * through it, since reads still decrypt. Oldest entries are dropped first.
 */
export class SealedTraitMemo {
  private readonly entries = new Map<string, { json: string; envelope: string }>();

  constructor(private readonly capacity = SEALED_TRAIT_MEMO_ENTRIES) {}

  /** The ciphertext remembered for the field, if it holds exactly `json`. */
  envelopeFor(field: string, json: string): string | undefined {
    const entry = this.entries.get(field);
    return entry?.json === json ? entry.envelope : undefined;
  }

  /** Remembers that `envelope` at the field holds `json`. */
  remember(field: string, json: string, envelope: string): void {
    this.entries.delete(field);
    this.entries.set(field, { json, envelope });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** The memo key of one trait of one customer. */
export function traitField(tenantId: string, customerId: string, name: string): string {
  return `${tenantId}\u0000${customerId}\u0000${name}`;
}

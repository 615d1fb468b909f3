import type { Customer } from '@rapport/core';
import type { SqlContext } from '../repositories/sql-context.js';

/** A customer's traits as the storage writes them: personal ones encrypted when the storage encrypts. */
export function storedTraits(ctx: SqlContext, customerId: string, traits: Record<string, unknown>): Record<string, unknown> {
  return ctx.encryption ? ctx.encryption.sealTraits(ctx.tenantId, customerId, traits) : traits;
}

/** A customer read from the database, its traits and identity values decrypted. */
export function openedCustomer(ctx: SqlContext, customer: Customer): Customer {
  return ctx.encryption ? { ...customer, traits: ctx.encryption.openTraits(ctx.tenantId, customer.id, customer.traits) } : customer;
}

/** An identity value as the storage writes it. */
export function storedIdentityValue(ctx: SqlContext, valueHash: string, value: string): string {
  return ctx.encryption ? ctx.encryption.sealIdentity(ctx.tenantId, valueHash, value) : value;
}

/** A stored identity value → plaintext. */
export function openedIdentityValue(ctx: SqlContext, valueHash: string, stored: string): string {
  return ctx.encryption ? ctx.encryption.openIdentity(ctx.tenantId, valueHash, stored) : stored;
}

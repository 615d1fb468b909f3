import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Storage } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError, type ValidationIssue } from '../errors/error-classes.js';
import { type Customer, LifecycleStageSchema, TagSchema } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import { parseInput } from '../util/parse.js';
import { assertStorable } from '../util/storable.js';
import { inputSchemasFor } from './input-schemas.js';

/** Fields of a customer a hook may change; the others are the operation's to set. */
const CUSTOMER_HOOK_FIELDS = ['traits', 'tags', 'lifecycleStage'] as const;
/** Fields of an interaction a hook may change. */
const INTERACTION_HOOK_FIELDS = ['channel', 'type', 'direction', 'occurredAt', 'properties', 'source'] as const;

const CustomerChangeSchema = z.object({
  traits: z.record(z.string(), z.unknown()),
  tags: z.array(TagSchema),
  lifecycleStage: LifecycleStageSchema.nullable(),
});

/**
 * Checks what a `customer.*` hook returned: an object whose fields other than traits, tags
 * and lifecycleStage are those it was given, with traits valid under the app's schema. Returns
 * the record to store (tags deduplicated), or throws a `ValidationError` naming each field.
 */
export function checkCustomerChange(config: ResolvedCrmConfig, storage: Storage, before: Customer, changed: unknown): Customer {
  const record = asRecord(changed);
  assertUnchanged(before, record, CUSTOMER_HOOK_FIELDS);
  assertStorable(storage, { traits: record.traits, tags: record.tags });
  const parsed = parseInput(CustomerChangeSchema, record);
  const traits = parseInput(config.traitsSchema, parsed.traits, 'traits') as Record<string, unknown>;
  return { ...before, traits, tags: [...new Set(parsed.tags)], lifecycleStage: parsed.lifecycleStage };
}

/**
 * Checks what an `interaction.beforeRecord` hook returned with the schema `record` checks its
 * input with (the app's properties schema, the purchase amount rule), and that the id,
 * customer, idempotency key and recording time are the ones it was given.
 */
export function checkInteractionChange(config: ResolvedCrmConfig, storage: Storage, before: Interaction, changed: unknown): Interaction {
  const record = asRecord(changed);
  assertUnchanged(before, record, INTERACTION_HOOK_FIELDS);
  const input = {
    customerId: before.customerId,
    idempotencyKey: before.idempotencyKey,
    channel: record.channel,
    type: record.type,
    direction: record.direction,
    occurredAt: record.occurredAt,
    properties: record.properties,
    source: record.source,
  };
  assertStorable(storage, input);
  const parsed = parseInput(inputSchemasFor(config).record, input);
  return {
    ...before,
    channel: parsed.channel,
    type: parsed.type,
    direction: parsed.direction,
    occurredAt: parsed.occurredAt ?? before.occurredAt,
    properties: parsed.properties,
    source: parsed.source,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValidationError(CoreErrorCode.InvalidInput, [
    { path: [], message: 'a hook must return the changed input (an object) or nothing' },
  ]);
}

/** Every field a hook may not change must be as given: a hook cannot re-key, re-own or re-date a record. */
function assertUnchanged(before: object, changed: Record<string, unknown>, mutable: readonly string[]): void {
  const issues: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(before)) {
    if (mutable.includes(key)) continue;
    if (!isDeepStrictEqual(changed[key], value)) issues.push({ path: [key], message: 'cannot be changed by a hook' });
  }
  for (const key of Object.keys(changed)) {
    if (!(key in before)) issues.push({ path: [key], message: 'is not a field of this record' });
  }
  if (issues.length > 0) throw new ValidationError(CoreErrorCode.InvalidInput, issues);
}

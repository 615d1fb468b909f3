import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });
const identity = z.looseObject({ type: z.string(), namespace: z.string(), value: z.string() });
const metrics = z.record(z.string(), z.unknown());

const customerRecord = z.looseObject({
  id: z.string(),
  tenantId: z.string(),
  identities: z.array(identity),
  traits: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  lifecycleStage: z.string().nullable(),
  metrics,
  createdAt: isoTime,
  updatedAt: isoTime,
  version: z.number().int(),
});

/**
 * The archive `crm.privacy.export(customerId)` returns: everything held about one person, as
 * JSON (times as ISO 8601 strings). Its JSON Schema is {@link privacyArchiveJsonSchema}.
 */
export const PrivacyArchiveSchema = z
  .object({
    format: z.literal('rapport.privacy-archive'),
    version: z.literal(1),
    tenantId: z.string(),
    customerId: z.string(),
    exportedAt: isoTime,
    requestId: z.string(),
    customer: customerRecord.describe('The live customer record: identities, traits, tags, metrics.'),
    mergedRecords: z.array(customerRecord).describe('Records of the person that were merged into this one (their identities moved over).'),
    interactions: z
      .array(
        z.looseObject({
          id: z.string(),
          customerId: z.string(),
          channel: z.string(),
          type: z.string(),
          direction: z.string(),
          occurredAt: isoTime,
          recordedAt: isoTime,
          properties: z.record(z.string(), z.unknown()),
          source: z.string().nullable(),
          idempotencyKey: z.string().nullable(),
        }),
      )
      .describe('Every interaction, newest first, with its payload.'),
    consents: z
      .array(
        z.looseObject({
          id: z.string(),
          purpose: z.string(),
          channel: z.string(),
          status: z.string(),
          source: z.string(),
          occurredAt: isoTime,
          proof: z.unknown(),
        }),
      )
      .describe('The consent ledger of the person, oldest first, with proof (every stored field is kept).'),
    segments: z.array(z.looseObject({ segmentKey: z.string(), enteredAt: isoTime })).describe('Stored segment memberships.'),
    tables: z
      .array(z.looseObject({ plugin: z.string(), table: z.string(), rows: z.array(z.record(z.string(), z.unknown())) }))
      .describe('Rows of plugin tables that reference the person (customerRef) or hold one of their identities in a personal column.'),
    contributions: z
      .array(z.looseObject({ plugin: z.string(), name: z.string(), data: z.unknown() }))
      .describe("What plugins' privacy contributors hold outside their tables."),
  })
  .meta({
    title: 'Rapport privacy archive',
    description: 'Everything a Rapport CRM holds about one person (GDPR Art 15/20, CCPA, PIPL Art 45).',
  });

/** A privacy archive (see {@link PrivacyArchiveSchema}). */
export type PrivacyArchive = z.output<typeof PrivacyArchiveSchema>;

/** The archive's JSON Schema (draft 2020-12), as published in docs/privacy-archive.schema.json. */
export function privacyArchiveJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PrivacyArchiveSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
}

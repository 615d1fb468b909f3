import type { ConsentRecord, Customer, CustomerMetrics, Direction, Identity, Interaction, Segment, SegmentCondition } from '@rapport/core';
import type { SqlDialect } from './dialect/sql-dialect.js';
import type { ConsentsTable, CustomersTable, InteractionsTable, SegmentsTable } from './schema.js';

/** Drivers return BIGINT as a string (pg) or number; times are epoch milliseconds. */
export const toMillis = (value: unknown): number => Number(value);
const toDate = (value: unknown): Date => new Date(Number(value));
const toDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : toDate(value));

/** What a customer row is joined with to become a `Customer`. */
export interface CustomerParts {
  identities: Identity[];
  tags: string[];
  channels: Record<string, Date>;
}

/** A customers row plus its parts → the model. */
export function customerFromRow(row: CustomersTable, parts: CustomerParts, dialect: SqlDialect): Customer {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    identities: parts.identities,
    traits: dialect.parseJson(row.traits) as Record<string, unknown>,
    tags: parts.tags,
    lifecycleStage: row.lifecycle_stage,
    metrics: {
      firstSeenAt: toDateOrNull(row.first_seen_at),
      lastSeenAt: toDateOrNull(row.last_seen_at),
      lastPurchaseAt: toDateOrNull(row.last_purchase_at),
      purchaseCount: Number(row.purchase_count),
      totalSpend: Number(row.total_spend),
      interactionCount: Number(row.interaction_count),
      lastSeenByChannel: parts.channels,
    },
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    version: Number(row.version),
  };
}

/** The metric columns of a customers row. */
export function metricsToColumns(
  metrics: CustomerMetrics,
): Pick<CustomersTable, 'first_seen_at' | 'last_seen_at' | 'last_purchase_at' | 'purchase_count' | 'total_spend' | 'interaction_count'> {
  return {
    first_seen_at: metrics.firstSeenAt?.getTime() ?? null,
    last_seen_at: metrics.lastSeenAt?.getTime() ?? null,
    last_purchase_at: metrics.lastPurchaseAt?.getTime() ?? null,
    purchase_count: metrics.purchaseCount,
    total_spend: metrics.totalSpend,
    interaction_count: metrics.interactionCount,
  };
}

/** The model → a customers row. */
export function customerToRow(customer: Customer, dialect: SqlDialect): CustomersTable {
  return {
    tenant_id: customer.tenantId,
    id: customer.id,
    traits: dialect.jsonParam(customer.traits, 'traits'),
    lifecycle_stage: customer.lifecycleStage,
    ...metricsToColumns(customer.metrics),
    created_at: customer.createdAt.getTime(),
    updated_at: customer.updatedAt.getTime(),
    version: customer.version,
    merged_into: null,
  };
}

/** An interactions row → the model. */
export function interactionFromRow(row: InteractionsTable, dialect: SqlDialect): Interaction {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    customerId: row.customer_id,
    channel: row.channel,
    type: row.type,
    direction: row.direction as Direction,
    occurredAt: toDate(row.occurred_at),
    recordedAt: toDate(row.recorded_at),
    properties: dialect.parseJson(row.properties) as Record<string, unknown>,
    source: row.source,
    idempotencyKey: row.idempotency_key,
  };
}

/** The model → an interactions row (as positional values, for multi-row inserts). */
export function interactionToRow(interaction: Interaction, tenantId: string, dialect: SqlDialect): InteractionsTable {
  return {
    tenant_id: tenantId,
    id: interaction.id,
    customer_id: interaction.customerId,
    channel: interaction.channel,
    type: interaction.type,
    direction: interaction.direction,
    occurred_at: interaction.occurredAt.getTime(),
    recorded_at: interaction.recordedAt.getTime(),
    properties: dialect.jsonParam(interaction.properties, 'properties'),
    source: interaction.source,
    idempotency_key: interaction.idempotencyKey,
  };
}

/** A consents row → the model. */
export function consentFromRow(row: ConsentsTable, dialect: SqlDialect): ConsentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    customerId: row.customer_id,
    purpose: row.purpose,
    channel: row.channel,
    status: row.status as ConsentRecord['status'],
    source: row.source,
    actor: row.actor,
    noticeVersion: row.notice_version,
    proof: row.proof === null ? null : (dialect.parseJson(row.proof) as Record<string, unknown>),
    expiresAt: toDateOrNull(row.expires_at),
    requestId: row.request_id ?? null,
    occurredAt: toDate(row.occurred_at),
    recordedAt: toDate(row.recorded_at),
  };
}

/** A segments row → the model. */
export function segmentFromRow(row: SegmentsTable, dialect: SqlDialect): Segment {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    key: row.segment_key,
    name: row.name,
    description: row.description,
    condition: dialect.parseJson(row.definition) as SegmentCondition,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

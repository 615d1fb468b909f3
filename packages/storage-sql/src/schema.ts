/** Column types of Rapport's core tables, as kysely sees them. Times are epoch milliseconds. */
export interface CustomersTable {
  tenant_id: string;
  id: string;
  traits: unknown;
  lifecycle_stage: string | null;
  first_seen_at: number | null;
  last_seen_at: number | null;
  last_purchase_at: number | null;
  purchase_count: number;
  total_spend: number;
  interaction_count: number;
  created_at: number;
  updated_at: number;
  version: number;
  merged_into: string | null;
}

/** One tag of a customer. */
export interface CustomerTagsTable {
  tenant_id: string;
  customer_id: string;
  tag: string;
}

/** Last time a customer was seen on a channel. */
export interface CustomerChannelsTable {
  tenant_id: string;
  customer_id: string;
  channel: string;
  last_seen_at: number;
}

/** An identity; unique per tenant by its keyed hash (the blind index). */
export interface IdentitiesTable {
  tenant_id: string;
  value_hash: string;
  customer_id: string;
  type: string;
  namespace: string;
  value: string;
  created_at: number;
}

/** The interaction log. */
export interface InteractionsTable {
  tenant_id: string;
  id: string;
  customer_id: string;
  channel: string;
  type: string;
  direction: string;
  occurred_at: number;
  recorded_at: number;
  properties: unknown;
  source: string | null;
  idempotency_key: string | null;
}

/** The consent ledger. */
export interface ConsentsTable {
  tenant_id: string;
  id: string;
  customer_id: string;
  purpose: string;
  channel: string;
  status: string;
  source: string;
  actor: string;
  notice_version: string | null;
  proof: unknown;
  expires_at: number | null;
  request_id: string | null;
  occurred_at: number;
  recorded_at: number;
}

/** Segment definitions. */
export interface SegmentsTable {
  tenant_id: string;
  segment_key: string;
  id: string;
  name: string;
  description: string | null;
  definition: unknown;
  created_at: number;
  updated_at: number;
}

/** Stored segment memberships (as of the last refresh). */
export interface SegmentMembersTable {
  tenant_id: string;
  segment_key: string;
  customer_id: string;
  entered_at: number;
}

/** A durable job. `run_at` is the due time while pending, the lease's end while running. */
export interface JobsTable {
  tenant_id: string;
  id: string;
  type: string;
  payload: unknown;
  status: string;
  run_at: number;
  attempts: number;
  max_attempts: number;
  idempotency_key: string | null;
  last_error: string | null;
  lease_token: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** A recurring schedule: the next occurrence to enqueue. */
export interface JobSchedulesTable {
  tenant_id: string;
  name: string;
  type: string;
  cron: string;
  timezone: string;
  payload: unknown;
  next_run_at: number;
  created_at: number;
  updated_at: number;
}

/** The core tables by name. */
export interface RapportDatabase {
  rapport_jobs: JobsTable;
  rapport_job_schedules: JobSchedulesTable;
  rapport_customers: CustomersTable;
  rapport_customer_tags: CustomerTagsTable;
  rapport_customer_channels: CustomerChannelsTable;
  rapport_identities: IdentitiesTable;
  rapport_interactions: InteractionsTable;
  rapport_consents: ConsentsTable;
  rapport_segments: SegmentsTable;
  rapport_segment_members: SegmentMembersTable;
}

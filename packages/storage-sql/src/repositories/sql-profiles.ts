import type { IdentityType, ProfileReader, ProfileRequest, ProfileSnapshot } from '@rapport/core';
import { CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { JsonField, SqlDialect } from '../dialect/sql-dialect.js';
import { prepareHint } from '../prepared-statements.js';
import { type CustomerParts, consentFromRow, customerFromRow, interactionFromRow } from '../rows.js';
import type { ConsentsTable, CustomersTable, InteractionsTable } from '../schema.js';
import { compileCheckedCondition } from '../segments/compile-condition.js';
import { guarded, type SqlContext } from './sql-context.js';

type JsonRowArray = NonNullable<SqlDialect['jsonRowArray']>;

const CUSTOMER_COLUMNS = [
  'tenant_id',
  'id',
  'traits',
  'lifecycle_stage',
  'first_seen_at',
  'last_seen_at',
  'last_purchase_at',
  'purchase_count',
  'total_spend',
  'interaction_count',
  'created_at',
  'updated_at',
  'version',
  'merged_into',
] as const satisfies readonly (keyof CustomersTable)[];

const INTERACTION_COLUMNS = [
  'tenant_id',
  'id',
  'customer_id',
  'channel',
  'type',
  'direction',
  'occurred_at',
  'recorded_at',
  'properties',
  'source',
  'idempotency_key',
] as const satisfies readonly (keyof InteractionsTable)[];

const CONSENT_COLUMNS = [
  'tenant_id',
  'id',
  'customer_id',
  'purpose',
  'channel',
  'status',
  'source',
  'notice_version',
  'proof',
  'occurred_at',
  'recorded_at',
] as const satisfies readonly (keyof ConsentsTable)[];

/** Placeholders in a compiled template, replaced by each read's values. */
const TENANT = Symbol('tenant') as unknown as string;
const CUSTOMER = Symbol('customer') as unknown as string;
/** A time `ms` before the read's `now`. */
class BeforeNow {
  constructor(readonly ms: number) {}
}
/** Compiled templates kept at most (a few per dialect, segment list and limit in use). */
const MAX_TEMPLATES = 64;
const templates = new Map<string, CompiledQuery>();
/** Template keys of segment lists; the catalog hands out the same array until it changes. */
const segmentListKeys = new WeakMap<ProfileRequest['segments'], string>();

function segmentListKey(segments: ProfileRequest['segments']): string {
  let key = segmentListKeys.get(segments);
  if (key === undefined) {
    key = JSON.stringify(segments.map((segment) => segment.condition));
    segmentListKeys.set(segments, key);
  }
  return key;
}

/** The row of the customer statement: the customers row plus one JSON array per small part. */
interface CustomerRow extends CustomersTable {
  profile_tags: unknown;
  profile_channels: unknown;
  profile_memberships: unknown;
}

/**
 * The 360° view in five statements sent at once: the customers row with its tags, channel
 * times and stored memberships as JSON arrays; its identities; one column per segment check;
 * the latest interactions; the consent ledger. Each is compiled once (with placeholders for
 * the tenant, the customer and times measured from now) and, on PostgreSQL, runs as a prepared
 * statement: building, compiling and planning such queries cost more than running them. They
 * run on separate connections, so pages missing from the database's cache are read in
 * parallel rather than one after another.
 */
export class SqlProfileReader implements ProfileReader {
  constructor(
    private readonly ctx: SqlContext,
    private readonly jsonRowArray: JsonRowArray,
  ) {}

  read(customerId: string, request: ProfileRequest): Promise<ProfileSnapshot | null> {
    return guarded(this.ctx, 'read profile', async () => {
      const segmentsKey = segmentListKey(request.segments);
      const run = <R>(name: string, key: string, build: () => CompiledQuery) =>
        this.ctx.db.executeQuery<R>(this.bind(this.template(`${name}|${key}`, build), customerId, request.now));
      const [customers, identities, matches, timeline, consents] = await Promise.all([
        run<CustomerRow>('customer', '', () => this.customerQuery().compile()),
        run<{ type: string; namespace: string; value: string }>('identities', '', () => this.identityQuery().compile()),
        request.segments.length > 0
          ? run<Record<string, unknown>>('matches', segmentsKey, () => this.matchQuery(request).compile())
          : { rows: [{} as Record<string, unknown>] },
        request.timelineLimit > 0
          ? run<InteractionsTable>('timeline', String(request.timelineLimit), () => this.timelineQuery(request.timelineLimit).compile())
          : { rows: [] },
        run<ConsentsTable>('consents', '', () => this.consentQuery().compile()),
      ]);
      const row = customers.rows[0];
      const matched = matches.rows[0];
      if (!row || !matched) return null;
      return {
        ...this.customerPart(row, identities.rows),
        matches: request.segments.map((_, index) => Number(matched[`profile_match_${index}`]) === 1),
        timeline: timeline.rows.map((interaction) => interactionFromRow(interaction, this.ctx.dialect)),
        consentHistory: consents.rows.map((consent) => consentFromRow(consent, this.ctx.dialect)),
      };
    });
  }

  private template(key: string, build: () => CompiledQuery): CompiledQuery {
    const fullKey = `${this.ctx.dialect.name}|${key}`;
    let template = templates.get(fullKey);
    if (!template) {
      template = build();
      if (templates.size >= MAX_TEMPLATES) templates.delete(templates.keys().next().value as string);
      templates.set(fullKey, template);
    }
    return template;
  }

  private bind(template: CompiledQuery, customerId: string, now: Date): CompiledQuery {
    const parameters = template.parameters.map((parameter) => {
      if (parameter === TENANT) return this.ctx.tenantId;
      if (parameter === CUSTOMER) return customerId;
      return parameter instanceof BeforeNow ? now.getTime() - parameter.ms : parameter;
    });
    return CompiledQuery.raw(template.sql, parameters);
  }

  private matchQuery(request: ProfileRequest) {
    const context = { dialect: this.ctx.dialect, now: request.now, timeParam: (ms: number) => new BeforeNow(ms) };
    const matchColumns = request.segments.map((segment, index) =>
      sql<number>`case when ${compileCheckedCondition(segment.condition, context)} then 1 else 0 end`.as(`profile_match_${index}`),
    );
    return this.ctx.db
      .selectFrom('rapport_customers as c')
      .select(matchColumns)
      .where('c.tenant_id', '=', TENANT)
      .where('c.id', '=', CUSTOMER)
      .where('c.merged_into', 'is', null)
      .modifyEnd(prepareHint);
  }

  private identityQuery() {
    return this.ctx.db
      .selectFrom('rapport_identities')
      .select(['type', 'namespace', 'value'])
      .where('tenant_id', '=', TENANT)
      .where('customer_id', '=', CUSTOMER)
      .orderBy('created_at')
      .orderBy('value_hash')
      .modifyEnd(prepareHint);
  }

  private customerQuery() {
    const parts = (table: string, columns: readonly string[], orderBy: RawBuilder<unknown>) =>
      sql`(select ${this.jsonRowArray(fields('r', columns), orderBy)} from ${sql.table(table)} r where r.tenant_id = ${TENANT} and r.customer_id = ${CUSTOMER})`;
    return this.ctx.db
      .selectFrom('rapport_customers as c')
      .select(CUSTOMER_COLUMNS.map((column) => `c.${column}` as const))
      .select([
        parts('rapport_customer_tags', ['tag'], sql`r.tag`).as('profile_tags'),
        parts('rapport_customer_channels', ['channel', 'last_seen_at'], sql`r.channel`).as('profile_channels'),
        parts('rapport_segment_members', ['segment_key', 'entered_at'], sql`r.segment_key`).as('profile_memberships'),
      ])
      .where('c.tenant_id', '=', TENANT)
      .where('c.id', '=', CUSTOMER)
      .where('c.merged_into', 'is', null)
      .modifyEnd(prepareHint);
  }

  private timelineQuery(limit: number) {
    return this.ctx.db
      .selectFrom('rapport_interactions')
      .select(INTERACTION_COLUMNS)
      .where('tenant_id', '=', TENANT)
      .where('customer_id', '=', CUSTOMER)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .modifyEnd(prepareHint);
  }

  private consentQuery() {
    return this.ctx.db
      .selectFrom('rapport_consents')
      .select(CONSENT_COLUMNS)
      .where('tenant_id', '=', TENANT)
      .where('customer_id', '=', CUSTOMER)
      .orderBy('occurred_at')
      .orderBy('recorded_at')
      .orderBy('id')
      .modifyEnd(prepareHint);
  }

  private customerPart(
    row: CustomerRow,
    identities: { type: string; namespace: string; value: string }[],
  ): Pick<ProfileSnapshot, 'customer' | 'memberships'> {
    const { dialect } = this.ctx;
    const rows = (value: unknown) => (value === null ? [] : (dialect.parseJson(value) as Record<string, unknown>[]));
    const parts: CustomerParts = {
      identities: identities.map((identity) => ({
        type: identity.type as IdentityType,
        namespace: identity.namespace,
        value: identity.value,
      })),
      tags: rows(row.profile_tags).map((tag) => String(tag.tag)),
      channels: Object.fromEntries(rows(row.profile_channels).map((channel) => [channel.channel, new Date(Number(channel.last_seen_at))])),
    };
    return {
      customer: customerFromRow(row, parts, dialect),
      memberships: rows(row.profile_memberships).map((membership) => ({
        segmentKey: String(membership.segment_key),
        enteredAt: new Date(Number(membership.entered_at)),
      })),
    };
  }
}

/** The JSON fields for `columns` of the rows aliased `alias`, named as the columns. */
function fields(alias: string, columns: readonly string[]): JsonField[] {
  return columns.map((column) => [column, sql.ref(`${alias}.${column}`)] as const);
}

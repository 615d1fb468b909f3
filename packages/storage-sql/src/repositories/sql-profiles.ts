import { CoreErrorCode, type IdentityType, RapportError, SegmentConditionSchema } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import {
  type EventsCondition,
  evaluateCounted,
  eventsTerms,
  type ProfileReader,
  type ProfileRequest,
  type ProfileSnapshot,
} from '@rapport/core/storage';
import { type AliasedRawBuilder, CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { JsonField, SqlDialect } from '../dialect/sql-dialect.js';
import { openedCustomer, openedIdentityValue } from '../encryption/customer-fields.js';
import { prepareHint } from '../prepared-statements.js';
import { type CustomerParts, consentFromRow, customerFromRow, interactionFromRow } from '../rows.js';
import type { ConsentsTable, CustomersTable, InteractionsTable } from '../schema.js';
import { compileEventCount } from '../segments/compile-condition.js';
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
  'actor',
  'notice_version',
  'proof',
  'expires_at',
  'request_id',
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
/**
 * What the profile counts in SQL for a segment list: each distinct events term once. The rest
 * of every condition is decided in memory from the rows the profile reads anyway (customer,
 * identities, tags, consent ledger), by the core's reference evaluator.
 */
interface SegmentPlan {
  /** Template key: the distinct events terms. */
  key: string;
  terms: EventsCondition[];
  /** Result column of each events term object of the list. */
  columnOf: Map<EventsCondition, string>;
}

/** The result column holding the count of the `index`-th distinct events term. */
const countColumn = (index: number) => `profile_events_${index}`;

/** Plans by segment list; the catalog hands out the same array until it changes. */
const segmentPlans = new WeakMap<ProfileRequest['segments'], SegmentPlan>();

function segmentPlan(segments: ProfileRequest['segments']): SegmentPlan {
  let plan = segmentPlans.get(segments);
  if (plan === undefined) {
    const columns = new Map<string, string>();
    const terms: EventsCondition[] = [];
    const columnOf = new Map<EventsCondition, string>();
    for (const segment of segments) {
      for (const term of eventsTerms(segment.condition)) {
        const text = JSON.stringify(term);
        let column = columns.get(text);
        if (column === undefined) {
          column = countColumn(terms.push(term) - 1);
          columns.set(text, column);
        }
        columnOf.set(term, column);
      }
    }
    plan = { key: JSON.stringify(terms), terms, columnOf };
    segmentPlans.set(segments, plan);
  }
  return plan;
}

/** The row of the customer statement: the customers row plus one JSON array per small part. */
interface CustomerRow extends CustomersTable {
  profile_identities: unknown;
  profile_consents: unknown;
  profile_tags: unknown;
  profile_channels: unknown;
  profile_memberships: unknown;
}

/**
 * The 360° view in two statements sent at once: the customers row with its identities,
 * consent ledger, tags, channel times and stored memberships as JSON arrays; and the latest
 * interactions, each row also carrying the counts the segments' events terms need (range
 * counts inside the interactions index, computed once). Segment matches are then decided in
 * memory from those rows, by the same evaluator the SQL compiler is checked against. Each
 * statement is compiled once (with placeholders for the tenant, the customer and times
 * measured from now) and, on PostgreSQL, runs as a prepared statement: building, compiling
 * and planning such queries cost more than running them. They run on separate connections, so
 * pages missing from the database's cache are read in parallel rather than one after another.
 */
export class SqlProfileReader implements ProfileReader {
  constructor(
    private readonly ctx: SqlContext,
    private readonly jsonRowArray: JsonRowArray,
  ) {}

  read(customerId: string, request: ProfileRequest): Promise<ProfileSnapshot | null> {
    return guarded(this.ctx, 'read profile', async () => {
      const plan = segmentPlan(request.segments);
      const run = <R>(name: string, key: string, build: () => CompiledQuery) =>
        this.ctx.db.executeQuery<R>(this.bind(this.template(`${name}|${key}`, build), customerId, request.now));
      const { timelineLimit, now } = request;
      // The events counts ride on the timeline rows (a customer without rows has no
      // interactions, so every count is 0); without a timeline they are a statement of their own.
      const [customers, interactions] = await Promise.all([
        run<CustomerRow>('customer', '', () => this.customerQuery().compile()),
        timelineLimit > 0
          ? run<Record<string, unknown>>('timeline', `${timelineLimit}|${plan.key}`, () =>
              this.timelineQuery(timelineLimit, plan.terms, now).compile(),
            )
          : plan.terms.length > 0
            ? run<Record<string, unknown>>('events', plan.key, () => this.eventsQuery(plan.terms, now))
            : { rows: [] },
      ]);
      const row = customers.rows[0];
      if (!row) return null;
      const counted = interactions.rows[0];
      const { customer, memberships, consentHistory } = this.customerPart(row);
      const subject = {
        customer,
        consents: consentHistory,
        countEvents: (term: EventsCondition) => (counted ? Number(counted[columnOf(plan, term)]) : 0),
      };
      return {
        customer,
        memberships,
        matches: request.segments.map((segment) => evaluateCounted(segment.condition, subject, request.now)),
        timeline:
          timelineLimit > 0
            ? interactions.rows.map((interaction) => interactionFromRow(interaction as unknown as InteractionsTable, this.ctx.dialect))
            : [],
        consentHistory,
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

  /** The events counts alone, for a profile without a timeline. */
  private eventsQuery(terms: readonly EventsCondition[], now: Date): CompiledQuery {
    return this.ctx.db.selectNoFrom(this.countColumns(terms, now)).modifyEnd(prepareHint).compile();
  }

  /** One column per events term: how many of the customer's interactions it counts. */
  private countColumns(terms: readonly EventsCondition[], now: Date): AliasedRawBuilder<number, string>[] {
    const context = { dialect: this.ctx.dialect, now, timeParam: (ms: number) => new BeforeNow(ms) };
    const owner = { tenantId: sql`${TENANT}`, customerId: sql`${CUSTOMER}` };
    return terms.map((term, index) => {
      // Validated again before compiling: repositories are public API too.
      const checked = parseInput(SegmentConditionSchema, term, 'condition') as EventsCondition;
      return compileEventCount(checked, context, owner).as(countColumn(index));
    });
  }

  /** The latest interactions, each row also carrying the events counts (computed once). */
  private timelineQuery(limit: number, terms: readonly EventsCondition[], now: Date) {
    return this.ctx.db
      .selectFrom('rapport_interactions')
      .select(INTERACTION_COLUMNS)
      .select(this.countColumns(terms, now))
      .where('tenant_id', '=', TENANT)
      .where('customer_id', '=', CUSTOMER)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .modifyEnd(prepareHint);
  }

  private customerQuery() {
    const parts = (table: string, columns: readonly string[], orderBy: RawBuilder<unknown>) =>
      sql`(select ${this.jsonRowArray(fields('r', columns), orderBy)} from ${sql.table(table)} r where r.tenant_id = ${TENANT} and r.customer_id = ${CUSTOMER})`;
    return this.ctx.db
      .selectFrom('rapport_customers as c')
      .select(CUSTOMER_COLUMNS.map((column) => `c.${column}` as const))
      .select([
        parts('rapport_identities', ['type', 'namespace', 'value', 'value_hash'], sql`r.created_at, r.value_hash`).as('profile_identities'),
        parts('rapport_consents', CONSENT_COLUMNS, sql`r.occurred_at, r.recorded_at, r.id`).as('profile_consents'),
        parts('rapport_customer_tags', ['tag'], sql`r.tag`).as('profile_tags'),
        parts('rapport_customer_channels', ['channel', 'last_seen_at'], sql`r.channel`).as('profile_channels'),
        parts('rapport_segment_members', ['segment_key', 'entered_at'], sql`r.segment_key`).as('profile_memberships'),
      ])
      .where('c.tenant_id', '=', TENANT)
      .where('c.id', '=', CUSTOMER)
      .where('c.merged_into', 'is', null)
      .modifyEnd(prepareHint);
  }

  /** The customer, its memberships and consent ledger from the customer statement's row. */
  private customerPart(row: CustomerRow): Pick<ProfileSnapshot, 'customer' | 'memberships' | 'consentHistory'> {
    const { dialect } = this.ctx;
    const rows = (value: unknown) => (value === null ? [] : (dialect.parseJson(value) as Record<string, unknown>[]));
    const parts: CustomerParts = {
      identities: rows(row.profile_identities).map((identity) => ({
        type: identity.type as IdentityType,
        namespace: String(identity.namespace),
        value: openedIdentityValue(this.ctx, String(identity.value_hash), String(identity.value)),
      })),
      tags: rows(row.profile_tags).map((tag) => String(tag.tag)),
      channels: Object.fromEntries(rows(row.profile_channels).map((channel) => [channel.channel, new Date(Number(channel.last_seen_at))])),
    };
    return {
      customer: openedCustomer(this.ctx, customerFromRow(row, parts, dialect)),
      memberships: rows(row.profile_memberships).map((membership) => ({
        segmentKey: String(membership.segment_key),
        enteredAt: new Date(Number(membership.entered_at)),
      })),
      // Each ledger record as the JSON object of its row: JSON columns arrive nested (PostgreSQL)
      // or as their text (SQLite), which is what `consentFromRow` reads either way.
      consentHistory: rows(row.profile_consents).map((consent) => consentFromRow(consent as unknown as ConsentsTable, dialect)),
    };
  }
}

function columnOf(plan: SegmentPlan, term: EventsCondition): string {
  const column = plan.columnOf.get(term);
  if (column === undefined)
    throw new RapportError({ code: CoreErrorCode.Internal, kind: 'internal', message: 'an events term the profile did not count' });
  return column;
}

/** The JSON fields for `columns` of the rows aliased `alias`, named as the columns. */
function fields(alias: string, columns: readonly string[]): JsonField[] {
  return columns.map((column) => [column, sql.ref(`${alias}.${column}`)] as const);
}

import { CoreErrorCode, type Scalar, type SegmentCondition, SegmentConditionSchema, ValidationError } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import { type EventsCondition, resolveTimeValue, windowStart } from '@rapport/core/storage';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { SqlDialect } from '../dialect/sql-dialect.js';
import { perCustomerTable } from './per-customer-table.js';

/** The customers table is aliased `c` in every segment query. */
const TRAITS = sql.ref('c.traits');

/** Metric names → their column, the allow-list that keeps names out of SQL as text. */
const METRIC_COLUMNS = {
  firstSeenAt: 'c.first_seen_at',
  lastSeenAt: 'c.last_seen_at',
  lastPurchaseAt: 'c.last_purchase_at',
  purchaseCount: 'c.purchase_count',
  totalSpend: 'c.total_spend',
  interactionCount: 'c.interaction_count',
  createdAt: 'c.created_at',
} as const;

/** Comparison operators → SQL, the only operator text that reaches a query. */
const COMPARATORS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
type Comparator = keyof typeof COMPARATORS;

const FALSE = sql<SqlBool>`(1 = 0)`;

/** What compiling needs besides the condition. */
export interface CompileContext {
  dialect: SqlDialect;
  /** The evaluation time that relative times and windows are measured from. */
  now: Date;
  /**
   * The parameter for a time `msBeforeNow` before `now`; by default its epoch milliseconds. A
   * caller that compiles once and runs many times passes a placeholder to fill in per run.
   */
  timeParam?: ((msBeforeNow: number) => unknown) | undefined;
}

/**
 * Compiles a segment condition to one SQL boolean over the customers table aliased `c`.
 * The result is never NULL, so `not` behaves as in the in-memory evaluator. Field names
 * reach SQL only through allow-lists (the trait-path grammar, the metric column map); every
 * value is a bound parameter.
 */
export function compileCondition(condition: SegmentCondition, ctx: CompileContext): RawBuilder<SqlBool> {
  switch (condition.kind) {
    case 'and':
      return sql<SqlBool>`(${sql.join(
        cheapestFirst(condition.of).map((child) => compileCondition(child, ctx)),
        sql` and `,
      )})`;
    case 'or':
      return sql<SqlBool>`(${sql.join(
        cheapestFirst(condition.of).map((child) => compileCondition(child, ctx)),
        sql` or `,
      )})`;
    case 'not':
      return negate(compileCondition(condition.condition, ctx));
    case 'trait':
      return compileTrait(condition.field.split('.'), condition.op, condition.value, ctx);
    case 'metric':
      return compileMetric(condition, ctx);
    case 'tag': {
      const has = sql<SqlBool>`exists (select 1 from rapport_customer_tags t where t.tenant_id = c.tenant_id and t.customer_id = c.id and t.tag = ${checkText(condition.value, ctx)})`;
      return condition.op === 'has' ? has : negate(has);
    }
    case 'lifecycle':
      return compileLifecycle(condition.op, condition.value, ctx);
    case 'events':
      return compileEvents(condition, ctx);
    case 'consent':
      return compileConsent(condition, ctx);
    case 'identity': {
      const namespace = condition.namespace === undefined ? sql`` : sql` and x.namespace = ${checkText(condition.namespace, ctx)}`;
      const has = sql<SqlBool>`exists (select 1 from rapport_identities x where x.tenant_id = c.tenant_id and x.customer_id = c.id and x.type = ${condition.type}${namespace})`;
      return condition.op === 'exists' ? has : negate(has);
    }
  }
}

/** A time measured from `now` (as the core's rules compute it), as the parameter the context wants. */
function relativeTime(time: number, ctx: CompileContext): number {
  return (ctx.timeParam ? ctx.timeParam(ctx.now.getTime() - time) : time) as number;
}

/**
 * Validates a condition again, then compiles it: repositories are public API too, and
 * validation is what keeps field names and operators on their allow-lists.
 */
export function compileCheckedCondition(condition: SegmentCondition, ctx: CompileContext): RawBuilder<SqlBool> {
  return compileCondition(parseInput(SegmentConditionSchema, condition, 'condition'), ctx);
}

/** Rough cost of evaluating a condition per customer: columns, then lookups, then scans. */
function cost(condition: SegmentCondition): number {
  switch (condition.kind) {
    case 'metric':
    case 'lifecycle':
      return 1;
    case 'trait':
      return 2;
    case 'tag':
    case 'identity':
      return 3;
    case 'events':
      // Types and a window alone are a range count inside an index (no table rows read);
      // channels or a direction read each interaction.
      return condition.channels || condition.direction ? 5 : 3.5;
    case 'consent':
      // The deciding record: an index range, table rows and a sort, per customer.
      return 4;
    case 'not':
      return cost(condition.condition);
    case 'and':
    case 'or':
      return Math.max(...condition.of.map(cost));
  }
}

/**
 * Orders the terms of an `and` / `or` cheapest first, so the database can decide most rows
 * without running a subquery (SQLite evaluates terms in the order written). Compiled terms
 * are never NULL, so the order does not change the result.
 */
function cheapestFirst(conditions: SegmentCondition[]): SegmentCondition[] {
  return conditions
    .map((condition, index) => ({ condition, index, cost: cost(condition) }))
    .sort((a, b) => a.cost - b.cost || a.index - b.index)
    .map((entry) => entry.condition);
}

function negate(expression: Expression<SqlBool>): RawBuilder<SqlBool> {
  return sql<SqlBool>`(not ${expression})`;
}

function compileTrait(path: string[], op: string, value: Scalar | Scalar[] | undefined, ctx: CompileContext): RawBuilder<SqlBool> {
  const { dialect } = ctx;
  switch (op) {
    case 'exists':
      return sql<SqlBool>`(${dialect.jsonPresent(TRAITS, path)})`;
    case 'notExists':
      return negate(dialect.jsonPresent(TRAITS, path));
    case 'neq':
      return negate(compareTrait(path, 'eq', value as Scalar, ctx));
    case 'in':
      return anyOf((value as Scalar[]).map((candidate) => compareTrait(path, 'eq', candidate, ctx)));
    case 'notIn':
      return negate(anyOf((value as Scalar[]).map((candidate) => compareTrait(path, 'eq', candidate, ctx))));
    case 'contains':
    case 'startsWith': {
      const text = dialect.jsonText(TRAITS, path);
      const needle = dialect.textParam(checkText(value as string, ctx));
      const test = op === 'contains' ? dialect.contains(text, needle) : dialect.startsWith(text, needle);
      return sql<SqlBool>`(${dialect.jsonIs(TRAITS, path, 'string')} and coalesce(${test}, false))`;
    }
    default:
      return compareTrait(path, op as Comparator, value as Scalar, ctx);
  }
}

/** A type-strict comparison of the trait at `path` with one scalar. */
function compareTrait(path: string[], op: Comparator, value: Scalar, ctx: CompileContext): RawBuilder<SqlBool> {
  const { dialect } = ctx;
  const operator = sql.raw(COMPARATORS[op]);
  if (typeof value === 'number') {
    return sql<SqlBool>`(${dialect.jsonIs(TRAITS, path, 'number')} and coalesce(${dialect.jsonNumber(TRAITS, path)} ${operator} ${dialect.numberParam(value)}, false))`;
  }
  if (typeof value === 'string') {
    const text = dialect.textParam(checkText(value, ctx));
    return sql<SqlBool>`(${dialect.jsonIs(TRAITS, path, 'string')} and coalesce(${dialect.jsonText(TRAITS, path)} ${operator} ${text}, false))`;
  }
  return sql<SqlBool>`(${dialect.jsonIs(TRAITS, path, 'boolean')} and coalesce(${dialect.jsonBooleanText(TRAITS, path)} = ${value ? 'true' : 'false'}, false))`;
}

function compileMetric(condition: Extract<SegmentCondition, { kind: 'metric' }>, ctx: CompileContext): RawBuilder<SqlBool> {
  const column = sql.ref(METRIC_COLUMNS[condition.field]);
  if (condition.op === 'exists') return sql<SqlBool>`(${column} is not null)`;
  if (condition.op === 'notExists') return sql<SqlBool>`(${column} is null)`;
  const raw = condition.value as NonNullable<typeof condition.value>;
  let wanted: Expression<number>;
  if (typeof raw === 'number') wanted = ctx.dialect.numberParam(raw);
  else {
    // A date or a time before now: whole milliseconds are bound as an integer, like the time
    // columns they meet (a fractional `daysAgo` can leave a fraction: bound as a double).
    const time = resolveTimeValue(raw, ctx.now);
    const bound = typeof raw === 'string' ? time : relativeTime(time, ctx);
    wanted = Number.isInteger(time) ? ctx.dialect.timeParam(bound) : ctx.dialect.numberParam(bound);
  }
  if (condition.op === 'neq') return sql<SqlBool>`(${column} is null or ${column} <> ${wanted})`;
  return sql<SqlBool>`coalesce(${column} ${sql.raw(COMPARATORS[condition.op])} ${wanted}, false)`;
}

function compileLifecycle(op: string, value: string | string[] | undefined, ctx: CompileContext): RawBuilder<SqlBool> {
  const column = sql.ref('c.lifecycle_stage');
  const list = (values: string[]) => sql<SqlBool>`coalesce(${column} in (${sql.join(values.map((item) => checkText(item, ctx)))}), false)`;
  switch (op) {
    case 'exists':
      return sql<SqlBool>`(${column} is not null)`;
    case 'notExists':
      return sql<SqlBool>`(${column} is null)`;
    case 'eq':
      return list([value as string]);
    case 'neq':
      return negate(list([value as string]));
    case 'in':
      return list(value as string[]);
    default:
      return negate(list(value as string[]));
  }
}

function compileEvents(condition: EventsCondition, ctx: CompileContext): RawBuilder<SqlBool> {
  const { op, value } = condition.count;
  const count = compileEventCount(condition, ctx, { tenantId: sql.ref('c.tenant_id'), customerId: sql.ref('c.id') });
  return sql<SqlBool>`(${count} ${sql.raw(COMPARATORS[op])} ${sql.lit(value)})`;
}

/**
 * How many of one customer's interactions an events term counts, as a scalar subquery: the
 * customer is given as expressions (the outer row's columns, or parameters). With types and a
 * window only, it is a range count inside the interactions index, no table rows read.
 */
export function compileEventCount(
  condition: EventsCondition,
  ctx: CompileContext,
  owner: { tenantId: Expression<unknown>; customerId: Expression<unknown> },
): RawBuilder<number> {
  const { dialect } = ctx;
  const filters: RawBuilder<unknown>[] = [sql`i.tenant_id = ${owner.tenantId}`, sql`i.customer_id = ${owner.customerId}`];
  if (condition.types) filters.push(sql`i.type in (${sql.join(condition.types.map((type) => checkText(type, ctx)))})`);
  if (condition.channels) filters.push(sql`i.channel in (${sql.join(condition.channels.map((channel) => checkText(channel, ctx)))})`);
  if (condition.direction) filters.push(sql`i.direction = ${condition.direction}`);
  if (condition.withinDays !== undefined) {
    filters.push(sql`i.occurred_at >= ${dialect.timeParam(relativeTime(windowStart(condition.withinDays, ctx.now), ctx))}`);
    filters.push(sql`i.occurred_at <= ${dialect.timeParam(relativeTime(ctx.now.getTime(), ctx))}`);
  }
  return sql<number>`(select count(*) from ${perCustomerTable('rapport_interactions', 'i', dialect)} where ${sql.join(filters, sql` and `)})`;
}

function compileConsent(condition: Extract<SegmentCondition, { kind: 'consent' }>, ctx: CompileContext): RawBuilder<SqlBool> {
  const channel = checkText(condition.channel, ctx);
  const now = ctx.dialect.timeParam(relativeTime(ctx.now.getTime(), ctx));
  // The deciding record, exactly as `decideConsent`: of the records that had happened by now
  // (pending ones never decide), latest first, the asked channel before `*` on a tie, then
  // the later-recorded, then the larger id — read as its state, a lapsed grant being unknown.
  const decided = sql<string>`(select case when r.status <> 'granted' then 'denied'
      when r.expires_at is null or r.expires_at > ${now} then 'granted' else 'unknown' end
    from ${perCustomerTable('rapport_consents', 'r', ctx.dialect)}
    where r.tenant_id = c.tenant_id and r.customer_id = c.id and r.purpose = ${checkText(condition.purpose, ctx)} and r.channel in (${channel}, '*')
      and r.status <> 'pending' and r.occurred_at <= ${now}
    order by r.occurred_at desc, case when r.channel = ${channel} then 1 else 0 end desc, r.recorded_at desc, r.id desc
    limit 1)`;
  return sql<SqlBool>`(coalesce(${decided}, 'unknown') = ${condition.status})`;
}

function anyOf(conditions: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return conditions.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(conditions, sql` or `)})`;
}

/** Rejects text the dialect cannot bind (NUL on PostgreSQL) with an error naming the reason. */
function checkText(value: string, ctx: CompileContext): string {
  if (ctx.dialect.rejectsNul && value.includes('\u0000')) {
    throw new ValidationError(CoreErrorCode.UnsupportedValue, [
      { path: ['condition'], message: `contains a NUL character (U+0000), which ${ctx.dialect.name} cannot store or compare` },
    ]);
  }
  return value;
}

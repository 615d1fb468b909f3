import type { SegmentCondition } from '@rapport/core';
import { ValidationError } from '@rapport/core';
import type { AnyTableDeclaration, TenantStore } from '@rapport/core/plugin';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';

/** `UNION ALL` branches per SQL statement (SQLite allows 500 compound terms). */
export const BRANCHES_PER_QUERY = 200;

/** A segment key, as core spells them. */
export const SegmentKeysSchema = z
  .array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a segment key'))
  .min(1)
  .max(50)
  .refine((keys) => new Set(keys).size === keys.length, 'must not repeat a key');

/** The fields every series query has beside its `by`: the period, the window, the survey, the zone and the confidence. */
export const seriesQueryFields = {
  period: z.enum(['day', 'week', 'month']),
  from: z.date(),
  to: z.date(),
  /** The segments `by: ['segment']` cuts by (their keys), evaluated now. */
  segments: SegmentKeysSchema.optional(),
  surveyId: z.string().min(1).max(128).optional(),
  timeZone: z.string().min(1).default('UTC'),
  confidence: z.number().gt(0).lt(1).default(0.95),
};

/** A series query's `by`: at most `max` of `dimensions`, none twice. */
export function dimensionsSchema<const D extends readonly [string, ...string[]]>(dimensions: D, max: number) {
  return z
    .array(z.enum(dimensions))
    .max(max)
    .refine((by) => new Set(by).size === by.length, 'must not repeat a dimension')
    .default([]);
}

/** The checks every series query passes: a window that is not empty, a real time zone, and `segments` exactly with a `segment` cut. */
export function refineSeriesQuery<
  T extends z.ZodType<{ from: Date; to: Date; timeZone: string; by: readonly string[]; segments?: readonly string[] | undefined }>,
>(schema: T) {
  return schema
    .refine((query) => query.from.getTime() < query.to.getTime(), { path: ['to'], message: 'must be after from' })
    .refine((query) => DateTime.now().setZone(query.timeZone).isValid, { path: ['timeZone'], message: 'is not an IANA time zone' })
    .refine(segmentsGiven, { path: ['segments'], message: "give segments exactly when by includes 'segment'" });
}

/**
 * One branch per period and segment cut (`segments` is 1 without cuts), UNION ALL-ed: the one
 * statement a series query sends per chunk of periods.
 */
export function unionOfBranches<Q extends { unionAll(other: Q): Q }>(
  periods: number,
  segments: number,
  branch: (period: number, segment: number) => Q,
): Q {
  let union: Q | undefined;
  for (let period = 0; period < periods; period++)
    for (let segment = 0; segment < segments; segment++) {
      const next = branch(period, segment);
      union = union ? union.unionAll(next) : next;
    }
  if (!union) throw new Error('a series query needs at least one period');
  return union;
}

/** `segment` is cut by the query's `segments`, and only then. */
export const segmentsGiven = (query: { by: readonly string[]; segments?: readonly string[] | undefined }) =>
  query.by.includes('segment') === (query.segments !== undefined);

/** The instants where the periods covering [from, to) start, and the end of the last. */
export function periodBounds(query: { from: Date; to: Date; period: 'day' | 'week' | 'month'; timeZone: string }): DateTime[] {
  const first = DateTime.fromJSDate(query.from, { zone: query.timeZone }).startOf(query.period, { useLocaleWeeks: false });
  const bounds = [first];
  for (let at = first; at.toMillis() < query.to.getTime(); ) {
    at = at.plus({ [`${query.period}s`]: 1 }).startOf(query.period, { useLocaleWeeks: false });
    bounds.push(at);
  }
  return bounds;
}

/** The part of a period inside [from, to), in epoch ms. */
export function periodRange(bounds: readonly DateTime[], index: number, query: { from: Date; to: Date }): [number, number] {
  return [
    Math.max((bounds[index] as DateTime).toMillis(), query.from.getTime()),
    Math.min((bounds[index + 1] as DateTime).toMillis(), query.to.getTime()),
  ];
}

type SqlModule = typeof import('@rapport/storage-sql');
/** The escape hatch of one plugin table, plus the storage module it came from. */
export type SqlHandle = ReturnType<SqlModule['pluginTableSql']> & { module: SqlModule };

let loaded: Promise<SqlModule | null> | undefined;
/** `@rapport/storage-sql`, when the app has it (an optional peer: memory-only apps need not install it). */
function storageSql(): Promise<SqlModule | null> {
  loaded ??= import('@rapport/storage-sql').catch(() => null);
  return loaded;
}

/** The table's SQL handle on an `@rapport/storage-sql` storage, else `null` (count in JS). */
export async function sqlHandle(store: TenantStore, table: AnyTableDeclaration): Promise<SqlHandle | null> {
  const module = await storageSql();
  if (!module) return null;
  try {
    return { ...module.pluginTableSql(store, table), module };
  } catch {
    return null; // not a SQL storage
  }
}

/** A segment to cut a series by: its key and the condition its membership is evaluated from. */
export interface SegmentCut {
  key: string;
  condition: SegmentCondition;
}

/** The stored segments of `keys`, in order; an unknown key is `FEEDBACK_INVALID_INPUT` at `query.segments.<i>`. */
export async function segmentCuts(store: TenantStore, keys: readonly string[]): Promise<SegmentCut[]> {
  const cuts: SegmentCut[] = [];
  for (const [index, key] of keys.entries()) {
    const segment = await store.segments.get(key);
    if (!segment) {
      throw new ValidationError(FeedbackErrorCode.InvalidInput, [
        { path: ['query', 'segments', index], message: `no segment has the key "${key}"` },
      ]);
    }
    cuts.push({ key, condition: segment.condition });
  }
  return cuts;
}

/** The members of each segment now, for counting in JS (the memory storage). */
export async function segmentMembers(store: TenantStore, cuts: readonly SegmentCut[], now: Date): Promise<Map<string, Set<string>>> {
  const members = new Map<string, Set<string>>();
  for (const cut of cuts) {
    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await store.segments.members(cut.condition, now, { limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const id of page.items) ids.add(id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    members.set(cut.key, ids);
  }
  return members;
}

/**
 * The subquery of a segment's live members now, in SQL: the segment's condition compiled by
 * `@rapport/storage-sql` over the tenant's live customers, for `customer_id IN (…)`. The
 * storage's own check runs first, so a condition on an encrypted trait is refused with its
 * typed error instead of matching nothing.
 */
export async function membersSubquery(store: TenantStore, handle: SqlHandle, condition: SegmentCondition, now: Date) {
  await store.segments.matches('', condition, now);
  const predicate = handle.module.compileCondition(condition, { dialect: handle.dialect, now });
  return handle.db
    .selectFrom('rapport_customers as c')
    .select('c.id')
    .where('c.tenant_id', '=', handle.tenantId)
    .where('c.merged_into', 'is', null)
    .where(predicate);
}

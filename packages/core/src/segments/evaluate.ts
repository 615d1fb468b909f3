import type { ConsentRecord } from '../model/consent.js';
import { decideConsent } from '../model/consent-decision.js';
import type { Customer } from '../model/customer.js';
import type { Interaction } from '../model/interaction.js';
import type { MetricField } from '../model/metrics.js';
import type { RelativeTime, Scalar, SegmentCondition } from '../model/segment-definition.js';
import { compareScalars } from './compare.js';

const DAY_MS = 86_400_000;

/** An events term of the segment DSL: a count of interactions compared with a number. */
export type EventsCondition = Extract<SegmentCondition, { kind: 'events' }>;

/** Everything the in-memory evaluator needs to know about one customer. */
export interface EvaluationSubject {
  customer: Customer;
  interactions: readonly Interaction[];
  consents: readonly ConsentRecord[];
}

/**
 * One customer with its events counted elsewhere — by a database that counts a customer's
 * interactions in an index instead of handing all of them over.
 */
export interface CountedSubject {
  customer: Customer;
  consents: readonly ConsentRecord[];
  /** How many of the customer's interactions an events term counts (window from `now`). */
  countEvents(condition: EventsCondition): number;
}

/**
 * Evaluates a segment condition for one customer, in memory. This is the reference meaning
 * of the DSL: the SQL compiler in `@rapport/storage-sql` must give the same answers, and the
 * conformance suite checks that it does.
 */
export function evaluateCondition(condition: SegmentCondition, subject: EvaluationSubject, now: Date): boolean {
  return evaluateCounted(
    condition,
    { customer: subject.customer, consents: subject.consents, countEvents: (events) => countEvents(subject.interactions, events, now) },
    now,
  );
}

/** {@link evaluateCondition} with the events counts supplied by the caller. */
export function evaluateCounted(condition: SegmentCondition, subject: CountedSubject, now: Date): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.of.every((child) => evaluateCounted(child, subject, now));
    case 'or':
      return condition.of.some((child) => evaluateCounted(child, subject, now));
    case 'not':
      return !evaluateCounted(condition.condition, subject, now);
    case 'trait':
      return testField(readPath(subject.customer.traits, condition.field), condition.op, condition.value);
    case 'lifecycle':
      return testField(subject.customer.lifecycleStage ?? undefined, condition.op, condition.value);
    case 'tag':
      return subject.customer.tags.includes(condition.value) === (condition.op === 'has');
    case 'metric':
      return testMetric(subject.customer, condition.field, condition.op, condition.value, now);
    case 'events':
      return compareCount(subject.countEvents(condition), condition.count.op, condition.count.value);
    case 'consent':
      // The ledger's state at `now` (expiry included); policies and notice versions are the
      // gate's business, not a segment's, so the SQL compiler can give the same answer.
      return (
        decideConsent(subject.consents, { purpose: condition.purpose, channel: condition.channel, at: now }).state === condition.status
      );
    case 'identity': {
      const has = subject.customer.identities.some(
        (identity) => identity.type === condition.type && (condition.namespace === undefined || identity.namespace === condition.namespace),
      );
      return has === (condition.op === 'exists');
    }
  }
}

/** Resolves a metric comparison value to a number (ms since epoch for times). */
export function resolveTimeValue(value: string | RelativeTime, now: Date): number {
  return typeof value === 'string' ? Date.parse(value) : now.getTime() - value.daysAgo * DAY_MS;
}

/**
 * The earliest `occurredAt` (whole ms) an events window of `withinDays` includes. Rounded up:
 * times are whole milliseconds, so a window of a fraction of a day still starts at one, and
 * SQL can compare it with an integer column as an integer.
 */
export function windowStart(withinDays: number, now: Date): number {
  return Math.ceil(now.getTime() - withinDays * DAY_MS);
}

function readPath(traits: unknown, path: string): unknown {
  let current: unknown = traits;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function testField(stored: unknown, op: string, value: Scalar | Scalar[] | undefined): boolean {
  const present = stored !== undefined && stored !== null;
  switch (op) {
    case 'exists':
      return present;
    case 'notExists':
      return !present;
    case 'eq':
      return compareScalars(stored, value as Scalar) === 0;
    case 'neq':
      return compareScalars(stored, value as Scalar) !== 0;
    case 'in':
      return (value as Scalar[]).some((candidate) => compareScalars(stored, candidate) === 0);
    case 'notIn':
      return !(value as Scalar[]).some((candidate) => compareScalars(stored, candidate) === 0);
    case 'contains':
      return typeof stored === 'string' && stored.includes(value as string);
    case 'startsWith':
      return typeof stored === 'string' && stored.startsWith(value as string);
    default: {
      const diff = compareScalars(stored, value as Scalar);
      return diff !== null && compareCount(diff, op, 0);
    }
  }
}

function testMetric(
  customer: Customer,
  field: MetricField,
  op: string,
  value: number | string | RelativeTime | undefined,
  now: Date,
): boolean {
  const raw = field === 'createdAt' ? customer.createdAt : customer.metrics[field];
  const stored = raw instanceof Date ? raw.getTime() : raw;
  if (op === 'exists') return stored !== null;
  if (op === 'notExists') return stored === null;
  const wanted = typeof value === 'number' ? value : resolveTimeValue(value as string | RelativeTime, now);
  if (op === 'neq') return stored === null || stored !== wanted;
  return stored !== null && compareCount(stored - wanted, op, 0);
}

function countEvents(interactions: readonly Interaction[], condition: EventsCondition, now: Date): number {
  const from = condition.withinDays === undefined ? Number.NEGATIVE_INFINITY : windowStart(condition.withinDays, now);
  const to = condition.withinDays === undefined ? Number.POSITIVE_INFINITY : now.getTime();
  let count = 0;
  for (const interaction of interactions) {
    if (condition.types && !condition.types.includes(interaction.type)) continue;
    if (condition.channels && !condition.channels.includes(interaction.channel)) continue;
    if (condition.direction && interaction.direction !== condition.direction) continue;
    const at = interaction.occurredAt.getTime();
    if (at < from || at > to) continue;
    count++;
  }
  return count;
}

/** Applies a comparison operator to `left` against `right`. */
function compareCount(left: number, op: string, right: number): boolean {
  switch (op) {
    case 'eq':
      return left === right;
    case 'gt':
      return left > right;
    case 'gte':
      return left >= right;
    case 'lt':
      return left < right;
    case 'lte':
      return left <= right;
    default:
      return false;
  }
}

/** The events terms of a condition, depth first (a term written twice appears twice). */
export function eventsTerms(condition: SegmentCondition): EventsCondition[] {
  switch (condition.kind) {
    case 'events':
      return [condition];
    case 'and':
    case 'or':
      return condition.of.flatMap(eventsTerms);
    case 'not':
      return eventsTerms(condition.condition);
    default:
      return [];
  }
}

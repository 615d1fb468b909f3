import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { RecommendErrorCode } from '../error-codes.js';
import { cmp, type FeedbackEvent, type TrainingSet } from '../feedback/feedback-event.js';
import { getOrCreate } from '../models/ranked-list.js';

/** How to split feedback into what a model learns from and what it is judged on. */
export const SplitSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** Everything before a moment trains; everything from it on is the test. */
    kind: z.literal('temporal'),
    /** The cut, epoch ms. Without it, the time by which `fraction` of the events happened. */
    at: z.number().int().optional(),
    /** Share of events (by time) that train when `at` is left out. @default 0.8 */
    fraction: z.number().gt(0).lt(1).default(0.8),
  }),
  z.strictObject({
    /** Each customer's last basket (or last event without a basket id) is the test; customers with one are train-only. */
    kind: z.literal('leave-last-out'),
  }),
]);
/** A split as passed in. */
export type SplitOptions = z.input<typeof SplitSchema>;

/** A split: the training set, and the test events. */
export interface SplitResult {
  train: TrainingSet;
  test: FeedbackEvent[];
  /** The temporal cut, epoch ms (null for leave-last-out). */
  cutoff: number | null;
}

/** Splits a training set. Pure and deterministic: ties in time are broken by customer, item and type. */
export function splitFeedback(data: TrainingSet, options: SplitOptions): SplitResult {
  const split = parseInput(SplitSchema, options, ['options', 'split'], RecommendErrorCode.InvalidOptions);
  const events = [...data.events].sort(
    (a, b) => a.at - b.at || cmp(a.customerId, b.customerId) || cmp(a.itemId, b.itemId) || cmp(a.type, b.type),
  );
  const customers = data.customers ? { customers: data.customers } : {};
  if (split.kind === 'temporal') {
    const cutoff = split.at ?? events[Math.min(events.length - 1, Math.floor(events.length * split.fraction))]?.at ?? 0;
    return {
      train: { events: events.filter((event) => event.at < cutoff), ...customers },
      test: events.filter((event) => event.at >= cutoff),
      cutoff,
    };
  }
  // The last basket of each customer: the group holding their latest event (ties: greater basket key).
  const last = new Map<string, { at: number; key: string }>();
  const groups = new Map<string, Set<string>>();
  for (const event of events) {
    const key = groupKey(event);
    const set = getOrCreate(groups, event.customerId, () => new Set());
    set.add(key);
    const current = last.get(event.customerId);
    if (!current || event.at > current.at || (event.at === current.at && key > current.key))
      last.set(event.customerId, { at: event.at, key });
  }
  const train: FeedbackEvent[] = [];
  const test: FeedbackEvent[] = [];
  for (const event of events) {
    const held = (groups.get(event.customerId)?.size ?? 0) >= 2 && last.get(event.customerId)?.key === groupKey(event);
    (held ? test : train).push(event);
  }
  return { train: { events: train, ...customers }, test, cutoff: null };
}

function groupKey(event: FeedbackEvent): string {
  return event.basketId === null ? `@${event.at}` : `#${event.basketId}`;
}

import { z } from 'zod';

/**
 * Figures Rapport keeps up to date as interactions arrive, so segments and profiles never
 * have to scan the whole log.
 */
export const CustomerMetricsSchema = z.object({
  firstSeenAt: z.date().nullable(),
  lastSeenAt: z.date().nullable(),
  lastPurchaseAt: z.date().nullable(),
  purchaseCount: z.number().int().nonnegative(),
  totalSpend: z.number(),
  interactionCount: z.number().int().nonnegative(),
  /** Last interaction time per channel, e.g. `{ web: …, pos: … }`. */
  lastSeenByChannel: z.record(z.string(), z.date()),
});
/** A customer's running metrics. */
export type CustomerMetrics = z.infer<typeof CustomerMetricsSchema>;

/** Metrics of a customer with no interactions yet. */
export function emptyMetrics(): CustomerMetrics {
  return {
    firstSeenAt: null,
    lastSeenAt: null,
    lastPurchaseAt: null,
    purchaseCount: 0,
    totalSpend: 0,
    interactionCount: 0,
    lastSeenByChannel: {},
  };
}

/** Names of the metrics that segments may filter on. */
export const METRIC_FIELDS = [
  'firstSeenAt',
  'lastSeenAt',
  'lastPurchaseAt',
  'purchaseCount',
  'totalSpend',
  'interactionCount',
  'createdAt',
] as const;
/** One of {@link METRIC_FIELDS}. */
export type MetricField = (typeof METRIC_FIELDS)[number];

/** Which metric fields hold times (the rest are numbers). */
export const DATE_METRIC_FIELDS: ReadonlySet<MetricField> = new Set(['firstSeenAt', 'lastSeenAt', 'lastPurchaseAt', 'createdAt']);

/**
 * An increment to a customer's metrics from a batch of stored interactions. Storage applies
 * it atomically (min/max/sum), so concurrent batches never lose an update.
 */
export interface MetricsDelta {
  /** Null when the batch held only outbound interactions. */
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  lastPurchaseAt: Date | null;
  purchaseCount: number;
  totalSpend: number;
  interactionCount: number;
  lastSeenByChannel: Record<string, Date>;
}

/** Applies a delta to metrics in memory; the reference for what storage must do. */
export function applyMetricsDelta(metrics: CustomerMetrics, delta: MetricsDelta): CustomerMetrics {
  const lastSeenByChannel = { ...metrics.lastSeenByChannel };
  for (const [channel, at] of Object.entries(delta.lastSeenByChannel)) {
    lastSeenByChannel[channel] = maxDate(lastSeenByChannel[channel] ?? null, at) as Date;
  }
  return {
    firstSeenAt: minDate(metrics.firstSeenAt, delta.firstSeenAt),
    lastSeenAt: maxDate(metrics.lastSeenAt, delta.lastSeenAt),
    lastPurchaseAt: maxDate(metrics.lastPurchaseAt, delta.lastPurchaseAt),
    purchaseCount: metrics.purchaseCount + delta.purchaseCount,
    totalSpend: roundMoney(metrics.totalSpend + delta.totalSpend),
    interactionCount: metrics.interactionCount + delta.interactionCount,
    lastSeenByChannel,
  };
}

/** Combines two customers' metrics when they are merged. */
export function combineMetrics(a: CustomerMetrics, b: CustomerMetrics): CustomerMetrics {
  const lastSeenByChannel = { ...a.lastSeenByChannel };
  for (const [channel, at] of Object.entries(b.lastSeenByChannel)) {
    lastSeenByChannel[channel] = maxDate(lastSeenByChannel[channel] ?? null, at) as Date;
  }
  return {
    firstSeenAt: minDate(a.firstSeenAt, b.firstSeenAt),
    lastSeenAt: maxDate(a.lastSeenAt, b.lastSeenAt),
    lastPurchaseAt: maxDate(a.lastPurchaseAt, b.lastPurchaseAt),
    purchaseCount: a.purchaseCount + b.purchaseCount,
    totalSpend: roundMoney(a.totalSpend + b.totalSpend),
    interactionCount: a.interactionCount + b.interactionCount,
    lastSeenByChannel,
  };
}

/** Keeps sums of currency amounts free of binary floating-point dust (0.1 + 0.2). */
export function roundMoney(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function minDate(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

function maxDate(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

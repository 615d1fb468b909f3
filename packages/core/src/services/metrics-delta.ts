import type { Interaction } from '../model/interaction.js';
import { emptyMetrics, type MetricsDelta, roundMoney } from '../model/metrics.js';

/** Which interactions are purchases and where their amount is. */
export interface PurchaseRules {
  purchaseTypes: ReadonlySet<string>;
  amountProperty: string;
}

/**
 * Sums stored interactions into one metrics increment per customer. Outbound interactions
 * (an e-mail we sent) count as interactions but not as the customer being seen.
 */
export function metricsDeltas(interactions: readonly Interaction[], rules: PurchaseRules): Map<string, MetricsDelta> {
  const deltas = new Map<string, MetricsDelta>();
  for (const interaction of interactions) {
    const at = interaction.occurredAt;
    let delta = deltas.get(interaction.customerId);
    if (!delta) {
      delta = emptyMetrics();
      deltas.set(interaction.customerId, delta);
    }
    delta.interactionCount++;
    if (interaction.direction !== 'outbound') {
      if (!delta.firstSeenAt || at < delta.firstSeenAt) delta.firstSeenAt = at;
      if (!delta.lastSeenAt || at > delta.lastSeenAt) delta.lastSeenAt = at;
      const channelSeen = delta.lastSeenByChannel[interaction.channel];
      if (!channelSeen || at > channelSeen) delta.lastSeenByChannel[interaction.channel] = at;
    }
    if (rules.purchaseTypes.has(interaction.type)) {
      delta.purchaseCount++;
      const amount = interaction.properties[rules.amountProperty];
      if (typeof amount === 'number') delta.totalSpend = roundMoney(delta.totalSpend + amount);
      if (!delta.lastPurchaseAt || at > delta.lastPurchaseAt) delta.lastPurchaseAt = at;
    }
  }
  return deltas;
}

import type { RecommendationContext, RecommendationResult } from '@rapport/core';
import type { Recommendations } from './recommendations-api.js';

/** One recommended item as a message template reads it (`{{ item.title }}`, `{{ item.price }}`). */
export interface TemplateRecommendation {
  itemId: string;
  /** The catalogue title, or the id when the catalogue does not know the item. */
  title: string;
  /** The catalogue price, or null. */
  price: number | null;
  /** The category path joined with `/`, or null. */
  category: string | null;
  attributes: Record<string, string | number | boolean>;
  score: number;
  reason: string;
}

/** A Crm with the recommend plugin installed (what {@link recommendationsForTemplate} needs of it). */
export interface CrmWithRecommendations {
  readonly recommendations: Recommendations;
}

/** The result's items with their catalogue details. */
export async function describeItems(api: Recommendations, result: RecommendationResult): Promise<TemplateRecommendation[]> {
  const items = await Promise.all(result.items.map((item) => api.getItem(item.itemId)));
  return result.items.map((item, index) => {
    const row = items[index];
    return {
      itemId: item.itemId,
      title: row?.title ?? item.itemId,
      price: row?.price ?? null,
      category: row ? row.categoryPath.join('/') : null,
      attributes: row?.attributes ?? {},
      score: item.score,
      reason: item.reason,
    };
  });
}

/**
 * The customer's recommendations as a template variable: an array for
 * `{% for item in recommendations limit: 3 %}{{ item.title }}{% endfor %}`. Goes through
 * `forCustomer`, so consent holds: a customer without `personalisation` consent gets popular items.
 */
export async function recommendationsForTemplate(
  crm: CrmWithRecommendations,
  customerId: string,
  k = 3,
  context?: RecommendationContext,
): Promise<TemplateRecommendation[]> {
  const result = await crm.recommendations.forCustomer(customerId, { k, ...(context ? { context } : {}) });
  return describeItems(crm.recommendations, result);
}

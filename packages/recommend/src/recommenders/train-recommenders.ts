import type { Catalogue } from '../catalogue/catalogue.js';
import { CustomerHistory } from '../feedback/customer-history.js';
import type { TrainingSet } from '../feedback/feedback-event.js';
import { type AssociationOptions, mineAssociationRules } from '../models/association-model.js';
import { type EaseOptions, trainEase } from '../models/ease-model.js';
import { ItemKnnCounts } from '../models/item-knn-model.js';
import type { ItemKnnOptionsInput } from '../models/item-knn-options.js';
import { type PopularityOptions, trainPopularity } from '../models/popularity-model.js';
import type { BusinessRulesInput } from '../rules/business-rules.js';
import { easeScorer } from './ease-scorer.js';
import { HybridRecommender } from './hybrid-recommender.js';
import { itemKnnScorer } from './item-knn-scorer.js';

/** What every trained recommender may be given besides its training set. */
export interface TrainOptions {
  catalogue?: Catalogue;
  rules?: BusinessRulesInput;
  popularity?: PopularityOptions;
  /** Mine association rules for "frequently bought together"; false leaves them out. @default {} */
  associations?: AssociationOptions | false;
  /** Feedback types meaning "bought" (for the already-bought rule). @default ['purchase'] */
  purchaseTypes?: string[];
  /** Global fallback from the time-decayed list. @default false */
  trending?: boolean;
}

function common(set: TrainingSet, options: TrainOptions) {
  return {
    popularity: trainPopularity(set, options.popularity),
    history: CustomerHistory.of(set, options.purchaseTypes),
    ...(options.associations === false ? {} : { associations: mineAssociationRules(set, options.associations) }),
    ...(options.catalogue ? { catalogue: options.catalogue } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.trending ? { trending: true } : {}),
  };
}

/** The popularity baseline (global, segment, store), trained on `set`. */
export function trainPopularityRecommender(set: TrainingSet, options: TrainOptions = {}): HybridRecommender {
  return new HybridRecommender({ name: 'popularity', ...common(set, options) });
}

/**
 * Item-kNN with popularity fallbacks, trained on `set`. The returned `counts` take new
 * interactions (`counts.add(event)`; add them to `history` too) and the recommender reads
 * them live, so no retrain is needed for them to count.
 */
export function trainItemKnnRecommender(
  set: TrainingSet,
  options: TrainOptions & { knn?: ItemKnnOptionsInput } = {},
): { recommender: HybridRecommender; counts: ItemKnnCounts; history: CustomerHistory } {
  const parts = common(set, options);
  const counts = ItemKnnCounts.train(set, options.knn);
  const recommender = new HybridRecommender({ name: 'item-knn', ...parts, personal: itemKnnScorer(counts) });
  return { recommender, counts, history: parts.history };
}

/** EASE with popularity fallbacks, trained on `set`. */
export function trainEaseRecommender(set: TrainingSet, options: TrainOptions & { ease?: EaseOptions } = {}): HybridRecommender {
  return new HybridRecommender({ name: 'ease', ...common(set, options), personal: easeScorer(trainEase(set, options.ease)) });
}

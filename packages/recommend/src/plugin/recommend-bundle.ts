import type { Catalogue } from '../catalogue/catalogue.js';
import { groupByCustomer } from '../feedback/customer-groups.js';
import type { CustomerHistoryModel } from '../feedback/customer-history.js';
import { customerHistoryModelOf } from '../feedback/customer-history-model.js';
import type { TrainingSet } from '../feedback/feedback-event.js';
import { type AssociationModel, mineAssociationRules } from '../models/association-model.js';
import { type EaseModel, trainEase } from '../models/ease-model.js';
import type { ItemKnnModel } from '../models/item-knn-model.js';
import { itemKnnModelOf } from '../models/item-knn-train.js';
import { type PopularityModel, trainPopularity } from '../models/popularity-model.js';
import type { ResolvedRecommendOptions } from './recommend-options.js';

/** Everything one training run produces, stored as one model version (`recommend` in the model tables). */
export interface RecommendBundle {
  kind: 'bundle';
  version: 1;
  /** When training started reading feedback, epoch ms. */
  trainedAt: number;
  /** Feedback rows recorded at or after this time (epoch ms) are replayed when the model is loaded. */
  replayFrom: number;
  /** Feedback events the models were trained on. */
  eventCount: number;
  popularity: PopularityModel;
  history: CustomerHistoryModel;
  itemKnn: ItemKnnModel | null;
  associations: AssociationModel | null;
  ease: EaseModel | null;
}

/** Trains every model the options ask for. Pure: the same set and options give the same bundle. */
export function trainBundle(
  set: TrainingSet,
  options: ResolvedRecommendOptions,
  times: { trainedAt: number; replayFrom: number },
): RecommendBundle {
  const wants = new Set(options.recommenders);
  // Grouped and ordered once for the history and item-kNN.
  const grouped = groupByCustomer(set.events);
  return {
    kind: 'bundle',
    version: 1,
    ...times,
    eventCount: set.events.length,
    popularity: trainPopularity(set, options.popularity),
    history: customerHistoryModelOf(grouped, set.customers, options.purchaseTypes),
    itemKnn: wants.has('item-knn') ? itemKnnModelOf(grouped, options.knn) : null,
    associations: options.associations === false ? null : mineAssociationRules(set, options.associations),
    ease: wants.has('ease') ? trainEase(set, options.ease) : null,
  };
}

/** A bundle with nothing trained yet: what a tenant serves before its first training run. */
export function emptyBundle(options: ResolvedRecommendOptions): RecommendBundle {
  return trainBundle(
    { events: [] },
    { ...options, recommenders: options.recommenders.filter((name) => name !== 'ease') },
    {
      trainedAt: 0,
      replayFrom: 0,
    },
  );
}

/** The catalogue a recommender is given: none while the app has not filled it (then every item counts as known). */
export function catalogueForRules(catalogue: Catalogue): Catalogue | undefined {
  return catalogue.size > 0 ? catalogue : undefined;
}

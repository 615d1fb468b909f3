import type { Recommender } from '@rapport/core';
import type { Catalogue } from '../catalogue/catalogue.js';
import { CustomerHistory } from '../feedback/customer-history.js';
import type { FeedbackEvent } from '../feedback/feedback-event.js';
import { ItemKnnCounts } from '../models/item-knn-model.js';
import { easeScorer } from '../recommenders/ease-scorer.js';
import { HybridRecommender } from '../recommenders/hybrid-recommender.js';
import { itemKnnScorer } from '../recommenders/item-knn-scorer.js';
import type { PersonalScorer } from '../recommenders/personal-scorer.js';
import { catalogueForRules, type RecommendBundle } from './recommend-bundle.js';
import type { RecommenderName, ResolvedRecommendOptions } from './recommend-options.js';

/**
 * One tenant's models in memory, as served: a stored bundle, plus the feedback recorded since
 * (item-kNN counts and histories take it one event at a time). Adding an event twice changes
 * nothing (feedback is binary per customer and item, the strongest weight kept), so replays
 * that overlap what was already applied are safe.
 */
export class ServingModels {
  readonly counts: ItemKnnCounts;
  readonly history: CustomerHistory;
  /** The bundle's other models; its item-kNN and history data are dropped once loaded into the live structures. */
  readonly bundle: Omit<RecommendBundle, 'itemKnn' | 'history'>;
  #recommenders = new Map<RecommenderName, HybridRecommender>();

  constructor(
    /** The stored version served, null before the first training run. */
    readonly version: number | null,
    bundle: RecommendBundle,
    readonly catalogue: Catalogue,
    private readonly options: ResolvedRecommendOptions,
  ) {
    this.counts = bundle.itemKnn ? ItemKnnCounts.fromModel(bundle.itemKnn) : new ItemKnnCounts(options.knn);
    this.history = CustomerHistory.fromModel(bundle.history);
    const { itemKnn: _itemKnn, history: _history, ...rest } = bundle;
    this.bundle = rest;
    this.rebuild();
  }

  /** Adds feedback events to the live counts and histories. */
  apply(events: readonly FeedbackEvent[]): void {
    for (const event of events) {
      this.counts.add(event);
      this.history.add(event);
    }
  }

  /** Rebuilds the recommenders over the same models (after the catalogue changed); cheap. */
  rebuild(): void {
    const catalogue = catalogueForRules(this.catalogue);
    const recommenders = new Map<RecommenderName, HybridRecommender>();
    for (const name of this.options.recommenders) {
      const personal = this.#personal(name);
      // EASE needs a trained model; until then it is served as popularity, under its own name.
      recommenders.set(
        name,
        new HybridRecommender({
          name,
          popularity: this.bundle.popularity,
          history: this.history,
          ...(personal ? { personal } : {}),
          ...(this.bundle.associations ? { associations: this.bundle.associations } : {}),
          ...(catalogue ? { catalogue } : {}),
          rules: this.options.rules,
          trending: this.options.trending,
        }),
      );
    }
    this.#recommenders = recommenders;
  }

  /** The recommender of that name (one of the configured ones). */
  recommender(name: RecommenderName): HybridRecommender & Recommender {
    return this.#recommenders.get(name) as HybridRecommender;
  }

  #personal(name: RecommenderName): PersonalScorer | undefined {
    if (name === 'item-knn') return itemKnnScorer(this.counts);
    if (name === 'ease' && this.bundle.ease) return easeScorer(this.bundle.ease);
    return undefined;
  }
}

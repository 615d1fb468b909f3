export {
  Catalogue,
  type CatalogueBatchResult,
  parseCatalogueItem,
  type RejectedItem,
  validateCatalogueRows,
} from './catalogue/catalogue.js';
export {
  AVAILABILITY,
  type Availability,
  type CatalogueItem,
  type CatalogueItemInput,
  CatalogueItemSchema,
  categoryKey,
  categoryWithin,
  MAX_PRICE,
  RECOMMENDABLE,
} from './catalogue/catalogue-item.js';
export { type ConsentLookup, type NonPersonalisedSource, PERSONALISATION_PURPOSE, withConsent } from './consent/with-consent.js';
export { RecommendErrorCode, RecommendNoticeCode } from './error-codes.js';
export {
  EVALUATION_METRICS,
  type EvaluateOptions,
  EvaluateOptionsSchema,
  type EvaluationMetrics,
  type EvaluationReport,
  type EvaluationRow,
  evaluate,
  type RecommenderFactory,
} from './evaluation/evaluate.js';
export { type RankingMetrics, rankingMetrics } from './evaluation/ranking-metrics.js';
export { type SplitOptions, type SplitResult, SplitSchema, splitFeedback } from './evaluation/split.js';
export { CustomerHistory, type CustomerHistoryModel, type CustomerItems } from './feedback/customer-history.js';
export { type CustomerFacts, cmp, compareEvents, type FeedbackEvent, type TrainingSet } from './feedback/feedback-event.js';
export {
  DEFAULT_FEEDBACK_WEIGHTS,
  type FeedbackBatch,
  type FeedbackMapping,
  type FeedbackMappingInput,
  FeedbackMappingSchema,
  feedbackMapping,
  type InteractionLike,
  type SkippedInteraction,
  toFeedback,
} from './feedback/feedback-mapping.js';
export { type ModelStore, memoryModelStore, type RecommendModel, type StoredModel } from './model-store.js';
export {
  type AssociationModel,
  type AssociationOptions,
  AssociationOptionsSchema,
  type AssociationRule,
  mineAssociationRules,
} from './models/association-model.js';
export { type EaseModel, type EaseOptions, EaseOptionsSchema, trainEase } from './models/ease-model.js';
export { ItemKnnCounts, type ItemKnnModel, type Neighbour, type RankedCandidate } from './models/item-knn-model.js';
export {
  type ItemKnnOptions,
  type ItemKnnOptionsInput,
  ItemKnnOptionsSchema,
  itemKnnOptions,
  SIMILARITIES,
  type Similarity,
} from './models/item-knn-options.js';
export { trainItemKnnModel } from './models/item-knn-train.js';
export { type PopularityModel, type PopularityOptions, PopularityOptionsSchema, trainPopularity } from './models/popularity-model.js';
export { type RankedList, rank } from './models/ranked-list.js';
export { feedbackRows, readFeedback } from './plugin/feedback-log.js';
export { type CsvImportOptions, parseItemsCsv } from './plugin/import-items.js';
export { emptyBundle, type RecommendBundle, trainBundle } from './plugin/recommend-bundle.js';
export {
  RECOMMENDER_NAMES,
  type RecommenderName,
  type RecommendPluginOptions,
  RecommendPluginOptionsSchema,
  type ResolvedRecommendOptions,
} from './plugin/recommend-options.js';
export { RECOMMEND_PLUGIN, recommend } from './plugin/recommend-plugin.js';
export {
  BUNDLE_MODEL_NAME,
  type ForCustomerRequest,
  type ModelInfo,
  Recommendations,
  type TopKRequest,
  TRAIN_JOB_TYPE,
  type TrainResult,
} from './plugin/recommendations-api.js';
export { ServingModels } from './plugin/serving-models.js';
export { type ListItemsOptions, MAX_ITEMS_PER_BATCH, TableCatalogue } from './plugin/table-catalogue.js';
export { type TableModelStoreOptions, tableModelStore } from './plugin/table-model-store.js';
export { activeModelsTable, feedbackTable, itemsTable, modelChunksTable, modelVersionsTable, recommendTables } from './plugin/tables.js';
export {
  type CrmWithRecommendations,
  describeItems,
  recommendationsForTemplate,
  type TemplateRecommendation,
} from './plugin/template-recommendations.js';
export { easeScorer } from './recommenders/ease-scorer.js';
export { type HybridParts, HybridRecommender } from './recommenders/hybrid-recommender.js';
export { itemKnnScorer } from './recommenders/item-knn-scorer.js';
export type { Candidate, PersonalScorer } from './recommenders/personal-scorer.js';
export { type PopularityScope, popularCandidates } from './recommenders/popularity-source.js';
export { KSchema, MAX_K, parseContext, parseK, RecommendationContextSchema } from './recommenders/request-options.js';
export {
  type TrainOptions,
  trainEaseRecommender,
  trainItemKnnRecommender,
  trainPopularityRecommender,
} from './recommenders/train-recommenders.js';
export {
  applyRules,
  type BusinessRules,
  type BusinessRulesInput,
  BusinessRulesSchema,
  businessRules,
  type RuleInput,
} from './rules/business-rules.js';

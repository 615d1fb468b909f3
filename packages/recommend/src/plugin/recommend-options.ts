import { z } from 'zod';
import { FeedbackMappingSchema } from '../feedback/feedback-mapping.js';
import { AssociationOptionsSchema } from '../models/association-model.js';
import { EaseOptionsSchema } from '../models/ease-model.js';
import { ItemKnnOptionsSchema } from '../models/item-knn-options.js';
import { PopularityOptionsSchema } from '../models/popularity-model.js';
import { BusinessRulesSchema } from '../rules/business-rules.js';

/** The recommenders the plugin can serve, by name. */
export const RECOMMENDER_NAMES = ['item-knn', 'popularity', 'ease'] as const;
/** One of {@link RECOMMENDER_NAMES}. */
export type RecommenderName = (typeof RECOMMENDER_NAMES)[number];

/** Options of {@link recommend}, checked once when the plugin registers. */
export const RecommendPluginOptionsSchema = z
  .strictObject({
    /** Which interactions are feedback, their weights, and the properties holding item, basket and store ids. */
    mapping: FeedbackMappingSchema.default(FeedbackMappingSchema.parse({})),
    /** The recommenders trained and served; the first is the default of every call. @default ['item-knn', 'popularity'] */
    recommenders: z.array(z.enum(RECOMMENDER_NAMES)).min(1).max(3).default(['item-knn', 'popularity']),
    /** Item-kNN options. */
    knn: ItemKnnOptionsSchema.default(ItemKnnOptionsSchema.parse({})),
    /** EASE options (when `ease` is among the recommenders). */
    ease: EaseOptionsSchema.default(EaseOptionsSchema.parse({})),
    /** Popularity options. */
    popularity: PopularityOptionsSchema.default(PopularityOptionsSchema.parse({})),
    /** Association rules for "frequently bought together"; false leaves them out. */
    associations: z.union([AssociationOptionsSchema, z.literal(false)]).default(AssociationOptionsSchema.parse({})),
    /** Business rules applied after scoring. */
    rules: BusinessRulesSchema.default(BusinessRulesSchema.parse({})),
    /** Feedback types meaning "bought" (for the already-bought rule). @default ['purchase'] */
    purchaseTypes: z.array(z.string().min(1).max(64)).min(1).default(['purchase']),
    /** Global fallback from the time-decayed list. @default false */
    trending: z.boolean().default(false),
    /** Serve non-personalised results to customers without `personalisation` consent. @default true */
    consent: z.boolean().default(true),
    /** A recurring full retrain of the default tenant (`{ cron: '0 3 * * *', timezone: 'Europe/London' }`). */
    schedule: z.strictObject({ cron: z.string().min(1).max(128), timezone: z.string().min(1).max(64).optional() }).optional(),
    /** Items in the `recommendations` section of `crm.profile(id, { include: ['recommendations'] })`. @default 5 */
    profileK: z.number().int().min(1).max(100).default(5),
    /**
     * Items in the `recommendations` variable every message template can read when
     * `@rapport/messaging` is installed (`{% for item in recommendations limit: 3 %}`). @default 3
     */
    templateK: z.number().int().min(1).max(100).default(3),
    /** How often a serving Crm looks for a newer model and for feedback other processes stored, in ms. @default 5000 */
    refreshMs: z.number().int().min(0).max(86_400_000).default(5000),
    /**
     * How far before a model's training read (or the last look) feedback is replayed, in ms: a
     * transaction still open when training read the table commits its rows with an earlier
     * time, and replaying is idempotent, so the overlap only costs reading. @default 60000
     */
    replayOverlapMs: z.number().int().min(0).max(86_400_000).default(60_000),
    /** Characters of model JSON per chunk row (a text column holds at most 1,000,000). @default 500000 */
    chunkSize: z.number().int().min(100).max(1_000_000).default(500_000),
  })
  .refine((options) => new Set(options.recommenders).size === options.recommenders.length, {
    message: 'name each recommender once',
    path: ['recommenders'],
  });

/** The plugin's options as passed in. */
export type RecommendPluginOptions = z.input<typeof RecommendPluginOptionsSchema>;
/** The plugin's options after defaults. */
export type ResolvedRecommendOptions = z.output<typeof RecommendPluginOptionsSchema>;

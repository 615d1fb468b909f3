import type { Interaction, RecommendationContext, RecommendationResult, Recommender } from '@rapport/core';
import { ValidationError } from '@rapport/core';
import type { TenantContext } from '@rapport/core/plugin';
import type { CatalogueBatchResult } from '../catalogue/catalogue.js';
import type { CatalogueItem } from '../catalogue/catalogue-item.js';
import { personalisationConsent } from '../consent/personalisation-consent.js';
import { withConsent } from '../consent/with-consent.js';
import { RecommendErrorCode } from '../error-codes.js';
import type { FeedbackEvent } from '../feedback/feedback-event.js';
import { toFeedback } from '../feedback/feedback-mapping.js';
import type { ModelStore, StoredModel } from '../model-store.js';
import type { ItemKnnModel } from '../models/item-knn-model.js';
import { readFeedback } from './feedback-log.js';
import { type CsvImportOptions, parseItemsCsv } from './import-items.js';
import { emptyBundle, type RecommendBundle, trainBundle } from './recommend-bundle.js';
import type { RecommenderName, ResolvedRecommendOptions } from './recommend-options.js';
import { ServingModels } from './serving-models.js';
import { type ListItemsOptions, TableCatalogue } from './table-catalogue.js';
import { tableModelStore } from './table-model-store.js';
import { activeModelsTable } from './tables.js';

/** The model name the plugin stores its bundles under. */
export const BUNDLE_MODEL_NAME = 'recommend';
/** The job type that trains a tenant's models. */
export const TRAIN_JOB_TYPE = 'recommend.train';

/** Options of {@link Recommendations.forCustomer}. */
export interface ForCustomerRequest {
  /** How many items, 1..1000. */
  k: number;
  context?: RecommendationContext;
  /** Which installed recommender answers; the first configured one by default. */
  recommender?: RecommenderName;
}

/** Options of {@link Recommendations.similarItems} and {@link Recommendations.frequentlyBoughtTogether}. */
export interface TopKRequest {
  k: number;
  recommender?: RecommenderName;
}

/** What a training run stored. */
export interface TrainResult {
  version: number;
  eventCount: number;
}

/** What a tenant serves now, for diagnostics and tests. */
export interface ModelInfo {
  /** The stored version served; null before the first training run. */
  version: number | null;
  /** Events the stored version was trained on. */
  eventCount: number;
  /** The live item-kNN counts (stored version plus feedback since), as plain data. */
  itemKnn: ItemKnnModel;
  customers: number;
  items: number;
}

/**
 * `crm.recommendations`: one tenant's catalogue, models and recommendations. Models are read
 * from the plugin tables on first use and kept in memory; feedback recorded in this process
 * updates them at once, and every `refreshMs` the tenant looks for a newer model and for
 * feedback other processes stored.
 */
export class Recommendations {
  readonly #tenant: TenantContext;
  readonly #options: ResolvedRecommendOptions;
  readonly #catalogue: TableCatalogue;
  readonly #models: ModelStore;
  #current: ServingModels | null = null;
  #loading: Promise<ServingModels> | null = null;
  /** Events seen while a new version loads, applied to it once loaded. */
  #pending: FeedbackEvent[] | null = null;
  #lastLook = 0;
  #lastReplay = 0;

  constructor(tenant: TenantContext, options: ResolvedRecommendOptions) {
    this.#tenant = tenant;
    this.#options = options;
    const now = () => tenant.clock.now();
    this.#catalogue = new TableCatalogue(tenant.store, now);
    this.#models = tableModelStore(tenant.store, { chunkSize: options.chunkSize, now });
  }

  /** Validates and stores catalogue rows: the good ones in one transaction, each bad one reported naming the row and field. */
  async upsertItems(rows: readonly unknown[]): Promise<CatalogueBatchResult> {
    const { upserted, rejected, items } = await this.#catalogue.upsertMany(rows);
    if (this.#current && items.length > 0) {
      for (const item of items) this.#current.catalogue.upsert(item);
      this.#current.rebuild();
    }
    return { upserted, rejected };
  }

  /** Imports catalogue rows from CSV text (see {@link parseItemsCsv}); rows that fail are reported like `upsertItems`. */
  async importItems(csv: string, options: CsvImportOptions = {}): Promise<CatalogueBatchResult> {
    return this.upsertItems(parseItemsCsv(csv, options));
  }

  /** One catalogue item, or null. */
  getItem(id: string): Promise<CatalogueItem | null> {
    return this.#catalogue.get(id);
  }

  /** A page of catalogue items, by id. */
  listItems(options?: ListItemsOptions) {
    return this.#catalogue.list(options);
  }

  /** Queues a full retrain as a durable job; a worker runs it (`crm.startWorkers()` or `drain()`). */
  async train(options: { idempotencyKey?: string } = {}): Promise<{ jobId: string; created: boolean }> {
    const { job, created } = await this.#tenant.jobs.enqueue({
      type: TRAIN_JOB_TYPE,
      payload: {},
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    });
    return { jobId: job.id, created };
  }

  /** Schedules a recurring full retrain of this tenant (the plugin's `schedule` option does it for the default tenant). */
  async schedule(cron: string, timezone?: string): Promise<void> {
    await this.#tenant.jobs.schedule({ name: TRAIN_JOB_TYPE, type: TRAIN_JOB_TYPE, cron, ...(timezone ? { timezone } : {}) });
  }

  /**
   * Trains now, in this call: reads every feedback row, trains the configured models, saves
   * them as a new version and switches to it. What the training job runs.
   */
  async trainNow(): Promise<TrainResult> {
    const startedAt = this.#tenant.clock.now().getTime();
    // No variable holds the events: they can be collected before the model's JSON is built.
    const bundle = trainBundle({ events: await readFeedback(this.#tenant.store) }, this.#options, {
      trainedAt: startedAt,
      replayFrom: startedAt - this.#options.replayOverlapMs,
    });
    const saved = await this.#models.save(BUNDLE_MODEL_NAME, bundle);
    await this.#models.activate(BUNDLE_MODEL_NAME, saved.version);
    // Served from the bundle in hand rather than read back and parsed again (a second copy at the peak).
    await this.#reload(saved);
    this.#tenant.events.emit('recommend.trained', {
      tenantId: this.#tenant.tenantId,
      version: saved.version,
      eventCount: bundle.eventCount,
    });
    return { version: saved.version, eventCount: bundle.eventCount };
  }

  /**
   * What the customer is likely to want next. Without `personalisation` consent the answer
   * is popularity in their store or segment (`personalised: false`, a `RECOMMEND_NO_CONSENT`
   * notice); an unknown customer gets popularity with `RECOMMEND_UNKNOWN_CUSTOMER`; unknown
   * context items are ignored and named in `RECOMMEND_UNKNOWN_ITEM`; k outside 1..1000 throws.
   */
  async forCustomer(customerId: string, request: ForCustomerRequest): Promise<RecommendationResult> {
    const recommender = await this.#recommender(request.recommender);
    const options = { k: request.k, ...(request.context ? { context: request.context } : {}) };
    if (!this.#options.consent) return recommender.forCustomer(customerId, options);
    return withConsent(recommender, (id) => personalisationConsent(this.#tenant, id)).forCustomer(customerId, options);
  }

  /** Items like this one. */
  async similarItems(itemId: string, request: TopKRequest): Promise<RecommendationResult> {
    return (await this.#recommender(request.recommender)).similarItems(itemId, { k: request.k });
  }

  /** Items bought together with these. */
  async frequentlyBoughtTogether(itemIds: readonly string[], request: TopKRequest): Promise<RecommendationResult> {
    return (await this.#recommender(request.recommender)).frequentlyBoughtTogether(itemIds, { k: request.k });
  }

  /** One of the installed recommenders as a plain {@link Recommender}, to compose with others. */
  async recommender(name?: RecommenderName): Promise<Recommender> {
    return this.#recommender(name);
  }

  /** What is served now: the stored version and the live counts. */
  async modelInfo(): Promise<ModelInfo> {
    const models = await this.#serving();
    return {
      version: models.version,
      eventCount: models.bundle.eventCount,
      itemKnn: models.counts.toModel(),
      customers: models.history.size,
      items: models.catalogue.size,
    };
  }

  /**
   * Looks for a newer stored model (and loads it whole before serving it) and replays the
   * feedback stored since the last look, so a Crm sees what other processes recorded.
   */
  async refresh(): Promise<void> {
    const current = this.#current;
    if (!current) {
      await this.#serving();
      return;
    }
    this.#lastLook = this.#tenant.clock.now().getTime();
    const pointer = await this.#tenant.store.table(activeModelsTable).get({ name: BUNDLE_MODEL_NAME });
    if (pointer && pointer.version !== current.version) {
      await this.#reload();
      return;
    }
    // Both replays overlap the previous look (a write committed late carries an earlier time); re-applying is harmless.
    const since = this.#lastReplay - this.#options.replayOverlapMs;
    this.#lastReplay = this.#lastLook;
    current.apply(await readFeedback(this.#tenant.store, since));
    const changed = await this.#catalogue.changedSince(since);
    if (changed.length > 0) {
      for (const item of changed) current.catalogue.upsert(item);
      current.rebuild();
    }
  }

  /** Takes an interaction this process just recorded (the plugin's `interaction.recorded` listener). */
  observe(interaction: Interaction): void {
    const { events } = toFeedback([interaction], this.#options.mapping);
    if (events.length === 0) return;
    this.#current?.apply(events);
    this.#pending?.push(...events);
  }

  async #recommender(name: RecommenderName | undefined) {
    const chosen = name ?? (this.#options.recommenders[0] as RecommenderName);
    if (!this.#options.recommenders.includes(chosen)) {
      throw new ValidationError(RecommendErrorCode.InvalidOptions, [
        { path: ['options', 'recommender'], message: `recommender must be one of ${this.#options.recommenders.join(', ')}` },
      ]);
    }
    return (await this.#serving()).recommender(chosen);
  }

  async #serving(): Promise<ServingModels> {
    if (this.#current === null) return this.#reload();
    const due = this.#options.refreshMs > 0 && this.#tenant.clock.now().getTime() - this.#lastLook >= this.#options.refreshMs;
    if (due) await this.refresh();
    return this.#current;
  }

  /** Loads the active version whole, replays feedback since it was trained, then switches to it. One load at a time. */
  #reload(trained?: StoredModel<RecommendBundle>): Promise<ServingModels> {
    this.#loading ??= (async () => {
      this.#pending = [];
      try {
        const lookedAt = this.#tenant.clock.now().getTime();
        // The version just trained, if it is still the active one (a newer one may have been activated meanwhile).
        const pointer = trained && (await this.#tenant.store.table(activeModelsTable).get({ name: BUNDLE_MODEL_NAME }));
        const stored = trained && pointer?.version === trained.version ? trained : await this.#models.active(BUNDLE_MODEL_NAME);
        const bundle = (stored?.model as RecommendBundle | undefined) ?? emptyBundle(this.#options);
        const models = new ServingModels(stored?.version ?? null, bundle, await this.#catalogue.load(), this.#options);
        models.apply(await readFeedback(this.#tenant.store, bundle.replayFrom));
        models.apply(this.#pending);
        this.#current = models;
        this.#lastLook = lookedAt;
        this.#lastReplay = lookedAt;
        return models;
      } finally {
        this.#pending = null;
        this.#loading = null;
      }
    })();
    return this.#loading;
  }
}

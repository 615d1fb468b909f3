import { NotFoundError } from '@rapport/core';
import { RecommendErrorCode } from './error-codes.js';
import type { AssociationModel } from './models/association-model.js';
import type { EaseModel } from './models/ease-model.js';
import type { ItemKnnModel } from './models/item-knn-model.js';
import type { PopularityModel } from './models/popularity-model.js';
import type { RecommendBundle } from './plugin/recommend-bundle.js';

/** Any model this package trains: plain, JSON-safe data. */
export type RecommendModel = PopularityModel | ItemKnnModel | AssociationModel | EaseModel | RecommendBundle;

/** A stored model version. */
export interface StoredModel<M extends RecommendModel = RecommendModel> {
  name: string;
  version: number;
  model: M;
}

/**
 * Where trained models live. A retrain saves a complete new version, then activates it in one
 * step, so readers see the old model or the new one and never a half-built one. In memory
 * ({@link memoryModelStore}) or in the plugin's tables ({@link tableModelStore}).
 */
export interface ModelStore {
  /** Saves a model as the next version of `name` (not yet active). */
  save<M extends RecommendModel>(name: string, model: M): Promise<StoredModel<M>>;
  /** Makes a saved version the one `active` returns. */
  activate(name: string, version: number): Promise<void>;
  /** The active version, or undefined before the first activation. */
  active(name: string): Promise<StoredModel | undefined>;
}

/** A {@link ModelStore} in memory. Models are copied in (structuredClone), so later edits to the caller's object do not leak in. */
export function memoryModelStore(): ModelStore {
  const versions = new Map<string, StoredModel[]>();
  const active = new Map<string, StoredModel>();
  return {
    async save(name, model) {
      const list = versions.get(name) ?? [];
      const stored = { name, version: list.length + 1, model: structuredClone(model) };
      list.push(stored);
      versions.set(name, list);
      return stored;
    },
    async activate(name, version) {
      const stored = versions.get(name)?.find((entry) => entry.version === version);
      if (!stored) throw new NotFoundError(RecommendErrorCode.ModelNotFound, 'model', `${name}@${version}`);
      active.set(name, stored);
    },
    async active(name) {
      return active.get(name);
    },
  };
}

import { LRUCache } from 'lru-cache';
import type { CompiledTemplate } from './compiled-template.js';
import { TemplateEngine } from './template-engine.js';
import type { ResolvedTemplateOptions } from './template-options.js';
import type { TemplateRow } from './template-tables.js';

/**
 * What every tenant's template service shares in one Crm: the options, the Liquid engines and
 * the cache of parsed versions (keyed by tenant, key, channel, locale and version — a
 * version never changes, so its parse is never stale).
 */
export interface TemplateRuntime {
  readonly options: ResolvedTemplateOptions;
  readonly engine: TemplateEngine;
  readonly cache: LRUCache<string, CompiledTemplate>;
  /** The row a render resolved (a key, channel and locale asked for → the version used), for `resolveCacheMs`; null when off. */
  readonly resolved: LRUCache<string, TemplateRow> | null;
}

/** Builds the shared part of the templates module once per Crm (a plugin's `register`). */
export function createTemplateRuntime(options: ResolvedTemplateOptions): TemplateRuntime {
  return {
    options,
    engine: new TemplateEngine(options.limits),
    cache: new LRUCache({ max: options.cacheSize }),
    resolved: options.resolveCacheMs > 0 ? new LRUCache({ max: options.cacheSize, ttl: options.resolveCacheMs }) : null,
  };
}

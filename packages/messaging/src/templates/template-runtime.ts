import { LRUCache } from 'lru-cache';
import type { CompiledTemplate } from './compiled-template.js';
import { TemplateEngine } from './template-engine.js';
import type { ResolvedTemplateOptions } from './template-options.js';

/**
 * What every tenant's template service shares in one Crm: the options, the Liquid engines and
 * the cache of parsed versions (keyed by tenant, key, channel, locale and version — a
 * version never changes, so its parse is never stale).
 */
export interface TemplateRuntime {
  readonly options: ResolvedTemplateOptions;
  readonly engine: TemplateEngine;
  readonly cache: LRUCache<string, CompiledTemplate>;
}

/** Builds the shared part of the templates module once per Crm (a plugin's `register`). */
export function createTemplateRuntime(options: ResolvedTemplateOptions): TemplateRuntime {
  return { options, engine: new TemplateEngine(options.limits), cache: new LRUCache({ max: options.cacheSize }) };
}

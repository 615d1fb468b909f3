import { ConflictError, isRapportError, NotFoundError, RapportError } from '@rapport/core';
import { parseInput, TableErrorCode, type TenantContext } from '@rapport/core/plugin';
import type { RenderedTemplate, TemplateRenderer, TemplateRenderRequest } from '../content/message-content.js';
import { MessagingErrorCode } from '../error-codes.js';
import { CompiledTemplate } from './compiled-template.js';
import { measureSms, type SmsMeasure } from './sms-measure.js';
import {
  type SaveTemplateInput,
  SaveTemplateInputSchema,
  TemplateKeySchema,
  type TemplateSelector,
  TemplateSelectorSchema,
} from './template-input.js';
import type { TemplateRuntime } from './template-runtime.js';
import { templatesTable } from './template-tables.js';
import { type TemplateVersion, toTemplateVersion } from './template-version.js';

/** A render's result: the content, the version and locale used, and for SMS its encoding and segments. */
export interface TemplateRendering extends RenderedTemplate {
  readonly channel: string;
  /** For SMS channels: how the text is encoded and how many segments it needs. */
  readonly sms?: SmsMeasure | undefined;
}

/** A preview: the rendering, and for SMS whether it fits the template's `maxSegments`. */
export interface TemplatePreview extends TemplateRendering {
  readonly maxSegments: number | null;
  readonly withinLimit: boolean;
}

/** How often `save` retries when a concurrent save took the next version number. */
const SAVE_ATTEMPTS = 20;

/**
 * One tenant's templates: versioned Liquid per key, channel and locale. Implements the hub's
 * {@link TemplateRenderer}: `render` resolves the locale (exact → language → the key's default),
 * renders the latest version (parsed once per version) and refuses a missing variable or an
 * SMS longer than the template's `maxSegments` with a typed error.
 */
export class TemplateService implements TemplateRenderer {
  constructor(
    private readonly tenant: TenantContext,
    private readonly runtime: TemplateRuntime,
  ) {}

  /**
   * Saves a new version (1 for a new key, channel and locale; else the latest + 1). The parts
   * are parsed first: a syntax error is refused here (`MESSAGING_TEMPLATE_INVALID` naming the
   * part, line and column), never at send time.
   */
  async save(input: SaveTemplateInput): Promise<TemplateVersion> {
    const parsed = parseInput(SaveTemplateInputSchema, input, [], MessagingErrorCode.TemplateInvalid);
    const compiled = CompiledTemplate.compile(this.runtime.engine, parsed.key, parsed);
    const rows = this.tenant.store.table(templatesTable);
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const [latest, keyDefault] = await Promise.all([
        this.latest(parsed.key, parsed.channel, parsed.locale),
        this.defaultLocaleOf(parsed.key, parsed.channel),
      ]);
      const row = {
        templateKey: parsed.key,
        channel: parsed.channel,
        locale: parsed.locale,
        version: (latest?.version ?? 0) + 1,
        defaultLocale: parsed.defaultLocale ?? keyDefault ?? parsed.locale,
        subject: parsed.subject ?? null,
        text: parsed.text ?? null,
        html: parsed.html ?? null,
        data: parsed.data ?? null,
        maxSegments: parsed.maxSegments ?? null,
        createdAt: this.tenant.clock.now(),
      };
      try {
        await rows.insert(row);
      } catch (error) {
        // A concurrent save took this version number: read again and take the next.
        if (isRapportError(error, TableErrorCode.UniqueViolation)) continue;
        throw error;
      }
      this.runtime.cache.set(this.cacheKey(row.templateKey, row.channel, row.locale, row.version), compiled);
      // A new latest version (or default locale) changes what a render resolves to: this Crm sees it at once.
      this.runtime.resolved?.clear();
      return toTemplateVersion(row);
    }
    throw new ConflictError(
      TableErrorCode.UniqueViolation,
      `template "${parsed.key}": ${SAVE_ATTEMPTS} concurrent saves took every version number tried`,
    );
  }

  /** A version of a key's variant: the latest unless `version` is given; the locale falls back as `render` does. */
  async get(key: string, selector: TemplateSelector): Promise<TemplateVersion> {
    return toTemplateVersion(await this.resolve(key, selector));
  }

  /** Every version of a key's variant in one locale, oldest first. */
  async versions(key: string, selector: { channel: string; locale: string }): Promise<TemplateVersion[]> {
    const parsedKey = parseInput(TemplateKeySchema, key, 'key', MessagingErrorCode.TemplateInvalid);
    const { channel, locale } = parseInput(
      TemplateSelectorSchema.required({ locale: true }),
      selector,
      [],
      MessagingErrorCode.TemplateInvalid,
    );
    return this.scan({ templateKey: parsedKey, channel, locale: locale as string });
  }

  /** The latest version of every key, channel and locale (optionally of one key or one channel), sorted by key, channel, locale. */
  async list(filter: { key?: string; channel?: string } = {}): Promise<TemplateVersion[]> {
    const where = {
      ...(filter.key === undefined
        ? {}
        : { templateKey: parseInput(TemplateKeySchema, filter.key, 'key', MessagingErrorCode.TemplateInvalid) }),
      ...(filter.channel === undefined ? {} : { channel: filter.channel }),
    };
    const latest = new Map<string, TemplateVersion>();
    for (const version of await this.scan(where)) latest.set(`${version.key}\u0000${version.channel}\u0000${version.locale}`, version);
    return [...latest.values()];
  }

  /** Renders a stored template for one send (the hub calls it at send time). */
  async render(request: TemplateRenderRequest): Promise<TemplateRendering> {
    const { rendering, maxSegments } = await this.renderStored(
      request.template,
      request.variables,
      { channel: request.channel, locale: request.locale },
      request.provided,
    );
    if (rendering.sms && maxSegments !== null && rendering.sms.segments > maxSegments) {
      throw new RapportError({
        code: MessagingErrorCode.SmsTooLong,
        kind: 'invalid_input',
        message: `template "${rendering.template}" v${rendering.version}: the SMS needs ${rendering.sms.segments} ${rendering.sms.encoding} segments; at most ${maxSegments} allowed`,
        details: {
          template: rendering.template,
          version: rendering.version,
          encoding: rendering.sms.encoding,
          segments: rendering.sms.segments,
          maxSegments,
        },
      });
    }
    return rendering;
  }

  /** Renders a template as `render` would (a missing variable still fails), reporting rather than refusing a too-long SMS. */
  async preview(key: string, variables: Readonly<Record<string, unknown>>, selector: TemplateSelector): Promise<TemplatePreview> {
    const { rendering, maxSegments } = await this.renderStored(key, variables, selector);
    const withinLimit = !rendering.sms || maxSegments === null || rendering.sms.segments <= maxSegments;
    return { ...rendering, maxSegments, withinLimit };
  }

  private async renderStored(
    key: string,
    variables: Readonly<Record<string, unknown>>,
    selector: TemplateSelector,
    provided?: TemplateRenderRequest['provided'],
  ) {
    const row = await this.resolveCached(key, selector);
    const cacheKey = this.cacheKey(row.templateKey, row.channel, row.locale, row.version);
    let compiled = this.runtime.cache.get(cacheKey);
    if (!compiled) {
      compiled = CompiledTemplate.compile(this.runtime.engine, row.templateKey, row);
      this.runtime.cache.set(cacheKey, compiled);
    }
    const identity = { template: row.templateKey, version: row.version, locale: row.locale };
    const content = await compiled.render(identity, await withProvided(compiled, variables, provided));
    const sms = this.runtime.options.smsChannels.includes(row.channel) && content.text !== undefined ? measureSms(content.text) : undefined;
    const rendering: TemplateRendering = { ...identity, channel: row.channel, content, ...(sms ? { sms } : {}) };
    return { rendering, maxSegments: row.maxSegments };
  }

  /** {@link resolve}, reusing the row found for the same request within `resolveCacheMs`. */
  private async resolveCached(key: string, selector: TemplateSelector) {
    const cache = this.runtime.resolved;
    const { channel, locale, version } = selector as { channel: unknown; locale?: unknown; version?: unknown };
    // Only well-typed requests are cached; anything else goes through resolve's validation every time.
    const plain =
      typeof key === 'string' &&
      typeof channel === 'string' &&
      (locale === undefined || typeof locale === 'string') &&
      (version === undefined || typeof version === 'number');
    if (!cache || !plain) return this.resolve(key, selector);
    const requested = [this.tenant.tenantId, key, channel, locale ?? '', version ?? ''].join('\u0000');
    const hit = cache.get(requested);
    if (hit) return hit;
    const row = await this.resolve(key, selector);
    cache.set(requested, row);
    return row;
  }

  /** Finds the row to use: the asked locale, then its language, then the key's default locale. */
  private async resolve(key: string, selector: TemplateSelector) {
    const templateKey = parseInput(TemplateKeySchema, key, 'key', MessagingErrorCode.TemplateInvalid);
    const { channel, locale, version } = parseInput(TemplateSelectorSchema, selector, [], MessagingErrorCode.TemplateInvalid);
    const find = (candidate: string) =>
      version === undefined
        ? this.latest(templateKey, channel, candidate)
        : this.tenant.store.table(templatesTable).get({ templateKey, channel, locale: candidate, version });
    const tried = new Set<string>();
    for (const candidate of locale === undefined ? [] : [locale, new Intl.Locale(locale).language]) {
      if (tried.has(candidate)) continue;
      tried.add(candidate);
      const row = await find(candidate);
      if (row) return row;
    }
    // Only when neither the locale nor its language exists: the key's default (one more read).
    const fallback = await this.defaultLocaleOf(templateKey, channel);
    if (fallback !== undefined && !tried.has(fallback)) {
      const row = await find(fallback);
      if (row) return row;
    }
    const what = `${templateKey} (${channel}${locale ? `, ${locale}` : ''}${version ? `, v${version}` : ''})`;
    throw new NotFoundError(MessagingErrorCode.TemplateNotFound, 'template', what);
  }

  private async latest(templateKey: string, channel: string, locale: string) {
    const page = await this.tenant.store
      .table(templatesTable)
      .find({ where: { templateKey, channel, locale }, orderBy: [{ column: 'version', direction: 'desc' }], limit: 1 });
    return page.items[0];
  }

  /** The default locale the key's most recent save recorded. */
  private async defaultLocaleOf(templateKey: string, channel: string): Promise<string | undefined> {
    const page = await this.tenant.store.table(templatesTable).find({
      where: { templateKey, channel },
      orderBy: [
        { column: 'createdAt', direction: 'desc' },
        { column: 'version', direction: 'desc' },
      ],
      limit: 1,
    });
    return page.items[0]?.defaultLocale;
  }

  private async scan(where: { templateKey?: string; channel?: string; locale?: string }): Promise<TemplateVersion[]> {
    const rows = this.tenant.store.table(templatesTable);
    const out: TemplateVersion[] = [];
    let cursor: string | null = null;
    do {
      const page = await rows.find({
        where,
        orderBy: [{ column: 'templateKey' }, { column: 'channel' }, { column: 'locale' }, { column: 'version' }],
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      out.push(...page.items.map(toTemplateVersion));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  private cacheKey(templateKey: string, channel: string, locale: string, version: number): string {
    return [this.tenant.tenantId, templateKey, channel, locale, version].join('\u0000');
  }
}

/** The variables with the provided ones the version reads and the sender did not pass, computed at once. */
async function withProvided(
  compiled: CompiledTemplate,
  variables: Readonly<Record<string, unknown>>,
  provided: TemplateRenderRequest['provided'],
): Promise<Readonly<Record<string, unknown>>> {
  if (!provided) return variables;
  const wanted = Object.keys(provided).filter((name) => !Object.hasOwn(variables, name) && compiled.uses(name));
  if (wanted.length === 0) return variables;
  const values = await Promise.all(wanted.map((name) => (provided[name] as () => Promise<unknown>)()));
  return { ...variables, ...Object.fromEntries(wanted.map((name, index) => [name, values[index]])) };
}

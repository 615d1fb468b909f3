import type { Template } from 'liquidjs';
import type { MessageContent } from '../content/message-content.js';
import type { TemplateEngine, TemplatePart } from './template-engine.js';
import { type TemplateIdentity, TemplateSyntaxError, templateRenderError } from './template-errors.js';

/** The Liquid sources of one template version. `data`'s string leaves are templates too (rendered unescaped). */
export interface TemplateSource {
  readonly subject?: string | null | undefined;
  readonly text?: string | null | undefined;
  readonly html?: string | null | undefined;
  readonly data?: Readonly<Record<string, unknown>> | null | undefined;
}

/** A leaf of `data`: a parsed string, or a value kept as it is (a number, a boolean, null). */
class DataLeaf {
  constructor(
    readonly template: Template[] | undefined,
    readonly value: unknown,
  ) {}
}
type CompiledData = DataLeaf | { readonly [key: string]: CompiledData } | readonly CompiledData[];

/**
 * One template version parsed once: rendering it only evaluates. Kept in a cache per version
 * (versions never change), so a send does not parse.
 */
export class CompiledTemplate {
  /** The variables the version reads from outside (see {@link TemplateEngine.globals}); null when that is not known. */
  readonly globals: ReadonlySet<string> | null;

  private constructor(
    private readonly engine: TemplateEngine,
    private readonly parts: ReadonlyMap<TemplatePart, Template[]>,
    private readonly data: CompiledData | undefined,
  ) {
    this.globals = usedGlobals(engine, parts, data);
  }

  /** True when a render may read the variable `name`. */
  uses(name: string): boolean {
    return this.globals === null || this.globals.has(name);
  }

  /** Parses every part; a syntax error throws a {@link TemplateSyntaxError} naming the part, line and column. */
  static compile(engine: TemplateEngine, template: string, source: TemplateSource): CompiledTemplate {
    const parts = new Map<TemplatePart, Template[]>();
    for (const part of ['subject', 'text', 'html'] as const) {
      const text = source[part];
      if (text === undefined || text === null) continue;
      try {
        parts.set(part, engine.parse(part, text));
      } catch (error) {
        throw new TemplateSyntaxError(template, [part], error);
      }
    }
    const data = source.data ? compileData(engine, template, source.data, ['data']) : undefined;
    return new CompiledTemplate(engine, parts, data);
  }

  /** Renders every part with the variables; a missing variable or a render limit throws the typed error. */
  async render(identity: TemplateIdentity, variables: Readonly<Record<string, unknown>>): Promise<MessageContent> {
    const content: { -readonly [K in keyof MessageContent]: MessageContent[K] } = {};
    for (const [part, template] of this.parts) {
      try {
        content[part] = this.engine.render(part, template, variables);
      } catch (error) {
        throw templateRenderError(identity, part, error);
      }
    }
    if (this.data) content.data = (await this.renderData(identity, this.data, variables, 'data')) as Record<string, unknown>;
    return content;
  }

  private async renderData(
    identity: TemplateIdentity,
    node: CompiledData,
    variables: Readonly<Record<string, unknown>>,
    path: string,
  ): Promise<unknown> {
    if (node instanceof DataLeaf) {
      if (node.template === undefined) return node.value;
      try {
        return this.engine.render('text', node.template, variables);
      } catch (error) {
        throw templateRenderError(identity, path, error);
      }
    }
    if (Array.isArray(node))
      return Promise.all(node.map((item: CompiledData, index) => this.renderData(identity, item, variables, `${path}.${index}`)));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = await this.renderData(identity, value, variables, `${path}.${key}`);
    return out;
  }
}

/** Every part's and data leaf's global variables, once per version; null if any analysis failed. */
function usedGlobals(
  engine: TemplateEngine,
  parts: ReadonlyMap<TemplatePart, Template[]>,
  data: CompiledData | undefined,
): ReadonlySet<string> | null {
  const names = new Set<string>();
  const add = (part: TemplatePart, template: Template[]): boolean => {
    const found = engine.globals(part, template);
    if (found === null) return false;
    for (const name of found) names.add(name);
    return true;
  };
  for (const [part, template] of parts) if (!add(part, template)) return null;
  const visit = (node: CompiledData): boolean => {
    if (node instanceof DataLeaf) return node.template === undefined || add('text', node.template);
    return (Array.isArray(node) ? node : Object.values(node)).every((child: CompiledData) => visit(child));
  };
  return data === undefined || visit(data) ? names : null;
}

function compileData(engine: TemplateEngine, template: string, value: unknown, path: string[]): CompiledData {
  if (typeof value === 'string') {
    try {
      return new DataLeaf(engine.parse('text', value), undefined);
    } catch (error) {
      throw new TemplateSyntaxError(template, path, error);
    }
  }
  if (Array.isArray(value)) return value.map((item, index) => compileData(engine, template, item, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compileData(engine, template, item, [...path, key])]));
  }
  return new DataLeaf(undefined, value);
}

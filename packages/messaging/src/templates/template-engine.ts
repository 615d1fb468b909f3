import { Liquid, LiquidError, type Template } from 'liquidjs';

/** The parts of a template that hold Liquid: `subject`, `text` (never escaped) and `html` (escaped). */
export const TEMPLATE_PARTS = ['subject', 'text', 'html'] as const;
/** One of {@link TEMPLATE_PARTS}. */
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];

/**
 * liquidjs's guards against runaway templates: `parseLimit` — characters parsed per template;
 * `renderLimit` — milliseconds one render may take; `memoryLimit` — roughly the bytes one
 * render may allocate (long strings, big loops).
 */
export interface TemplateLimits {
  /** @default 200000 */
  readonly parseLimit: number;
  /** @default 1000 */
  readonly renderLimit: number;
  /** @default 10000000 */
  readonly memoryLimit: number;
}

/** The limits used when none are given. */
export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = { parseLimit: 200_000, renderLimit: 1_000, memoryLimit: 10_000_000 };

/** Where in a template source a liquidjs error points, when it says. */
export interface SourcePosition {
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/** The line and column a liquidjs error names, and its message without them. */
export function liquidErrorPosition(error: unknown): SourcePosition & { reason: string } {
  if (!LiquidError.is(error)) return { reason: error instanceof Error ? error.message : String(error) };
  const [line, column] = error.token?.getPosition?.() ?? [];
  const reason = (error.originalError?.message ?? error.message).replace(/, line:\d+, col:\d+$/, '');
  return { line, column, reason };
}

/**
 * Two liquidjs engines with one configuration: HTML parts escape every output (`| raw` opts
 * out), the others do not, so a text part never shows `&amp;`. Both are strict: an undefined
 * variable or filter is an error, not an empty hole (`if` and `default` may still test for one).
 */
export class TemplateEngine {
  readonly #escaped: Liquid;
  readonly #plain: Liquid;

  constructor(limits: TemplateLimits = DEFAULT_TEMPLATE_LIMITS) {
    const options = { strictVariables: true, strictFilters: true, lenientIf: true, ownPropertyOnly: true, ...limits };
    this.#escaped = new Liquid({ ...options, outputEscape: 'escape' });
    this.#plain = new Liquid(options);
  }

  /** Parses one part; a syntax error throws the liquidjs error (see {@link liquidErrorPosition}). */
  parse(part: TemplatePart, source: string): Template[] {
    return this.#engine(part).parse(source);
  }

  /**
   * Renders a parsed part with the variables. Synchronously: no tag or filter registered here
   * is async, and liquidjs's async path costs about half the speed (its generators are driven
   * through promises).
   */
  render(part: TemplatePart, template: Template[], variables: Readonly<Record<string, unknown>>): string {
    return this.#engine(part).renderSync(template, variables) as string;
  }

  /**
   * The names of the variables a parsed part reads from outside (`recommendations` for
   * `{% for item in recommendations %}`), by liquidjs's static analysis; null when the
   * analysis fails, so a caller assumes any variable may be read.
   */
  globals(part: TemplatePart, template: Template[]): string[] | null {
    try {
      return this.#engine(part).globalVariablesSync(template);
    } catch {
      return null;
    }
  }

  #engine(part: TemplatePart): Liquid {
    return part === 'html' ? this.#escaped : this.#plain;
  }
}

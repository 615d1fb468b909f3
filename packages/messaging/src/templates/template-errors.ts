import { RapportError, ValidationError } from '@rapport/core';
import { UndefinedVariableError } from 'liquidjs';
import { MessagingErrorCode } from '../error-codes.js';
import { liquidErrorPosition } from './template-engine.js';

/** Which stored template a render error is about. */
export interface TemplateIdentity {
  readonly template: string;
  readonly version: number;
  readonly locale: string;
}

/**
 * A template that does not parse, refused when it is saved: a `ValidationError`
 * (`MESSAGING_TEMPLATE_INVALID`) whose issue path is the part (`['html']`, `['data', 'title']`)
 * and whose message names the line and column; {@link TemplateSyntaxError.line} and
 * {@link TemplateSyntaxError.column} give them as numbers.
 */
export class TemplateSyntaxError extends ValidationError {
  /** The 1-based line of the part's source the parser stopped at. */
  readonly line: number | undefined;
  /** The 1-based column on that line. */
  readonly column: number | undefined;

  constructor(template: string, path: readonly string[], cause: unknown) {
    const { line, column, reason } = liquidErrorPosition(cause);
    const where = line === undefined ? '' : `line ${line}, column ${column ?? 1}: `;
    super(MessagingErrorCode.TemplateInvalid, [{ path: [...path], message: `${where}${reason} (template "${template}")` }], cause);
    this.name = 'TemplateSyntaxError';
    this.line = line;
    this.column = column;
  }
}

/**
 * Turns a liquidjs render failure of one part into the typed error: a missing variable is
 * `MESSAGING_TEMPLATE_VARIABLE_MISSING` naming it; anything else (a render limit, a
 * filter's own failure) is `MESSAGING_TEMPLATE_RENDER_FAILED`.
 */
export function templateRenderError(identity: TemplateIdentity, part: string, error: unknown): RapportError {
  const { line, column, reason } = liquidErrorPosition(error);
  const base = { ...identity, part, reason, line, column };
  const at = `template "${identity.template}" v${identity.version} (${identity.locale}), ${part}${line === undefined ? '' : ` line ${line}`}`;
  if (error instanceof UndefinedVariableError) {
    const variable = error.token.getText().trim();
    return new RapportError({
      code: MessagingErrorCode.TemplateVariableMissing,
      kind: 'invalid_input',
      message: `${at}: the variable "${variable}" was not given`,
      details: { ...base, variable },
      cause: error,
    });
  }
  return new RapportError({
    code: MessagingErrorCode.TemplateRenderFailed,
    kind: 'invalid_input',
    message: `${at}: ${reason}`,
    details: base,
    cause: error,
  });
}

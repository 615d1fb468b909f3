import { CoreErrorCode } from '../errors/codes.js';
import type { ValidationIssue } from '../errors/error-classes.js';
import type { ErrorDetailsOf } from '../errors/error-code-registry.js';
import { RapportError } from '../errors/rapport-error.js';

/** A hook refused the operation (kind `forbidden`, code `HOOK_VETOED`); nothing was written. */
export class HookVetoError extends RapportError<ErrorDetailsOf<'HOOK_VETOED'>> {
  constructor(hook: string, plugin: string, reason: string, details: Record<string, unknown> = {}) {
    super({
      code: CoreErrorCode.HookVetoed,
      kind: 'forbidden',
      message: `${hook} vetoed by ${plugin}: ${reason}`,
      details: { ...details, hook, plugin, reason },
    });
    this.name = 'HookVetoError';
  }
}

/** A hook threw something other than a veto (code `HOOK_FAILED`, the thrown value as `cause`); nothing was written. */
export class HookFailedError extends RapportError<ErrorDetailsOf<'HOOK_FAILED'>> {
  constructor(hook: string, plugin: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super({
      code: CoreErrorCode.HookFailed,
      kind: 'internal',
      message: `${hook} hook of ${plugin} failed: ${reason}`,
      details: { hook, plugin, reason },
      cause,
    });
    this.name = 'HookFailedError';
  }
}

/**
 * A hook returned a change the operation's schema rejects, or changed a field it may not
 * (code `HOOK_INVALID_CHANGE`); `details.issues` names each field. Nothing was written.
 */
export class HookChangeError extends RapportError<ErrorDetailsOf<'HOOK_INVALID_CHANGE'>> {
  constructor(hook: string, plugin: string, issues: ValidationIssue[], cause?: unknown) {
    const summary = issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
    super({
      code: CoreErrorCode.HookInvalidChange,
      kind: 'invalid_input',
      message: `${hook} hook of ${plugin} returned an invalid change — ${summary}`,
      details: { hook, plugin, issues },
      cause,
    });
    this.name = 'HookChangeError';
  }
}

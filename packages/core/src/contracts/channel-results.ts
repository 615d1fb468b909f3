import type { SendFailed, SendResult } from './channel.js';

/** The longest `Retry-After` honoured (a day), so a hostile or broken header cannot park a message for ever. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * Reads an HTTP `Retry-After` value (seconds, or an HTTP date) as milliseconds from `now`;
 * `undefined` when absent or unreadable. Capped at {@link MAX_RETRY_AFTER_MS}.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // An HTTP date names its month; without that check Date.parse reads "-5" as a year.
  const at = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), MAX_RETRY_AFTER_MS);
}

/** Options of {@link classifyHttpFailure}. */
export interface HttpFailureOptions {
  /** The response's `Retry-After` header. */
  readonly retryAfter?: string | null | undefined;
  /** The wait used for a 429 without a readable `Retry-After`. */
  readonly defaultRetryAfterMs: number;
  readonly now: Date;
  /** Why, for the timeline; defaults to `HTTP <status>`. */
  readonly reason?: string | undefined;
}

/**
 * Classifies a non-2xx HTTP response the way most providers mean it: 429 → `throttled`
 * (with `Retry-After`), 408 and 5xx → `transient`, 410 → `permanent` with
 * `disableEndpoint`, any other status → `permanent` (a redirect is not followed: it is a
 * configuration error, and following it could reach an address the target check refused).
 */
export function classifyHttpFailure(status: number, options: HttpFailureOptions): SendFailed {
  const reason = options.reason ?? `HTTP ${status}`;
  const providerCode = String(status);
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(options.retryAfter, options.now) ?? options.defaultRetryAfterMs;
    return { status: 'failed', errorClass: 'throttled', retryAfterMs, reason, providerCode };
  }
  if (status === 408 || status >= 500) return { status: 'failed', errorClass: 'transient', reason, providerCode };
  if (status === 410) return { status: 'failed', errorClass: 'permanent', reason, providerCode, disableEndpoint: true };
  return { status: 'failed', errorClass: 'permanent', reason, providerCode };
}

/**
 * Classifies an error thrown while calling a provider (a refused connection, a DNS failure,
 * an abort, a timeout) as `transient`: nothing says the next attempt will fail too.
 */
export function classifyThrown(error: unknown): SendFailed {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = (error as { code?: unknown } | undefined)?.code ?? cause?.code;
  const name = (error as { name?: unknown } | undefined)?.name;
  const reason = error instanceof Error ? error.message : String(error);
  const providerCode = typeof code === 'string' ? code : typeof name === 'string' ? name : undefined;
  return { status: 'failed', errorClass: 'transient', reason, providerCode };
}

/** True when `result` is a successful send. */
export function isSent(result: SendResult): result is Extract<SendResult, { status: 'sent' }> {
  return result.status === 'sent';
}

import { classifyThrown, type SendFailed } from '@rapport/core/plugin';

/** SMTP codes that mean "slow down" rather than "broken": 421 (service closing, how big mailbox providers rate-limit) and 452 (too many recipients). */
const THROTTLE_CODES = new Set([421, 452]);
const THROTTLE_TEXT = /rate.?limit|too many|throttl|try again later/i;

/**
 * Classifies a nodemailer failure by its SMTP reply: 5xx → `permanent`; 421, 452 or a 4xx
 * that speaks of a rate limit → `throttled`; other 4xx → `transient`; no reply at all (a
 * refused connection, a timeout, a dropped socket) → `transient`.
 */
export function classifySmtpFailure(error: unknown, throttleRetryAfterMs: number): SendFailed {
  const failure = error as { responseCode?: unknown; response?: unknown; rejectedErrors?: unknown[] };
  // With one recipient refused at RCPT TO, nodemailer reports the reply on the rejected error.
  const rejected = (failure.rejectedErrors?.[0] ?? {}) as { responseCode?: unknown; response?: unknown };
  const code = typeof failure.responseCode === 'number' ? failure.responseCode : rejected.responseCode;
  if (typeof code !== 'number') return classifyThrown(error);
  const response = String(failure.response ?? rejected.response ?? (error instanceof Error ? error.message : ''));
  const reason = `SMTP ${code}: ${response}`.slice(0, 500);
  const providerCode = String(code);
  if (code >= 500) return { status: 'failed', errorClass: 'permanent', reason, providerCode };
  if (code >= 400 && (THROTTLE_CODES.has(code) || THROTTLE_TEXT.test(response))) {
    return { status: 'failed', errorClass: 'throttled', retryAfterMs: throttleRetryAfterMs, reason, providerCode };
  }
  return { status: 'failed', errorClass: 'transient', reason, providerCode };
}

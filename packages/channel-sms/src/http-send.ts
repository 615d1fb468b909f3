import type { Clock } from '@rapport/core';
import { classifyHttpFailure, classifyThrown, type SendResult } from '@rapport/core/plugin';

/** What a provider adapter asks {@link httpSend} to post. */
export interface HttpSendRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** How {@link httpSend} reads a 2xx response. */
export type ReadProviderId = (body: unknown) => string | undefined;

/**
 * Posts one send to a provider with Node's fetch and classifies the answer: 2xx with an id →
 * `sent`; 429 → `throttled` with `Retry-After`; 408/5xx, a timeout, an abort or a refused
 * connection → `transient`; other statuses → `permanent`. Redirects are not followed.
 */
export async function httpSend(
  request: HttpSendRequest,
  readId: ReadProviderId,
  options: { clock: Clock; throttleRetryAfterMs: number; parts: number },
): Promise<SendResult> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      redirect: 'manual',
    });
  } catch (error) {
    return classifyThrown(error);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const detail = text.slice(0, 300);
    return classifyHttpFailure(response.status, {
      retryAfter: response.headers.get('retry-after'),
      defaultRetryAfterMs: options.throttleRetryAfterMs,
      now: options.clock.now(),
      reason: `HTTP ${response.status}${detail ? `: ${detail}` : ''}`,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const id = readId(body);
  // The provider took the message but said nothing usable: retrying could send it twice, and
  // the idempotency key is what makes a retry safe, so report it as transient with the reason.
  if (!id)
    return {
      status: 'failed',
      errorClass: 'transient',
      reason: `HTTP ${response.status} without a message id`,
      providerCode: String(response.status),
    };
  return { status: 'sent', providerMessageId: id, parts: options.parts };
}

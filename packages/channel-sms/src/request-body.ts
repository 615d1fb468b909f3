import { type ChannelErrorCode, ChannelRequestError } from '@rapport/core';
import { headerValue, type InboundRequest } from '@rapport/core/plugin';

/** The callback bodies accepted (a provider's callback is small; a big one is not a provider's). */
export const MAX_CALLBACK_BYTES = 64 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a provider callback as fields: a form (`application/x-www-form-urlencoded`, as
 * Twilio posts) or a JSON object. Anything else is a typed `body` error.
 */
export function readCallback(request: InboundRequest, code: ChannelErrorCode, format: 'form' | 'json'): Record<string, unknown> {
  const fail = (reason: string, cause?: unknown) => new ChannelRequestError(code, { channel: 'sms', field: 'body', reason }, cause);
  if (request.body.byteLength > MAX_CALLBACK_BYTES) throw fail(`larger than ${MAX_CALLBACK_BYTES} bytes`);
  let text: string;
  try {
    text = strictUtf8.decode(request.body);
  } catch (error) {
    throw fail('not UTF-8', error);
  }
  if (format === 'form') {
    const type = headerValue(request, 'content-type') ?? 'application/x-www-form-urlencoded';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) throw fail(`expected a form, got ${type}`);
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw fail('not JSON', error);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail('not a JSON object');
  return parsed as Record<string, unknown>;
}

import { timingSafeEqual } from 'node:crypto';
import { ChannelErrorCode, ChannelRequestError, type Clock } from '@rapport/core';
import { headerValue, type InboundRequest } from '@rapport/core/plugin';
import { Webhook } from 'standardwebhooks';

/** What {@link verifyWebhook} needs. */
export interface VerifyOptions {
  /** The channel id, for error messages. */
  readonly channel: string;
  /** Any of these may have signed the request. */
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly clock: Clock;
}

/** A verified request: its id, its signed time and its body text. */
export interface VerifiedWebhook {
  readonly id: string;
  readonly timestamp: Date;
  readonly body: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a Standard Webhooks request: the three headers are present, the timestamp is
 * within `toleranceSeconds` of the clock either way, the body is UTF-8, and one `v1`
 * signature matches one secret — the expected signature is made with the
 * `standardwebhooks` package and compared in constant time. Failures are
 * `CHANNEL_SIGNATURE_INVALID` naming the header.
 */
export function verifyWebhook(request: InboundRequest, options: VerifyOptions): VerifiedWebhook {
  const refuse = (field: string, reason: string) =>
    new ChannelRequestError(ChannelErrorCode.SignatureInvalid, { channel: options.channel, field, reason });
  const id = headerValue(request, 'webhook-id');
  const stamp = headerValue(request, 'webhook-timestamp');
  const signature = headerValue(request, 'webhook-signature');
  if (!id) throw refuse('header webhook-id', 'missing');
  if (!stamp) throw refuse('header webhook-timestamp', 'missing');
  if (!signature) throw refuse('header webhook-signature', 'missing');
  if (!/^\d{1,12}$/.test(stamp)) throw refuse('header webhook-timestamp', 'not a Unix time in seconds');
  const seconds = Number(stamp);
  const skew = seconds - Math.floor(options.clock.now().getTime() / 1000);
  if (Math.abs(skew) > options.toleranceSeconds) {
    throw refuse(
      'header webhook-timestamp',
      `${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} now, outside ±${options.toleranceSeconds} s`,
    );
  }
  let body: string;
  try {
    // Signatures are over text: two invalid byte sequences would decode alike, so bytes that are not UTF-8 are refused.
    body = strictUtf8.decode(request.body);
  } catch {
    throw new ChannelRequestError(ChannelErrorCode.InboundMalformed, { channel: options.channel, field: 'body', reason: 'not UTF-8' });
  }
  const timestamp = new Date(seconds * 1000);
  const passed = signature
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => Buffer.from(value as string));
  for (const secret of options.secrets) {
    const expected = Buffer.from(new Webhook(secret).sign(id, timestamp, body).slice(3));
    if (passed.some((given) => given.length === expected.length && timingSafeEqual(given, expected))) return { id, timestamp, body };
  }
  throw refuse('header webhook-signature', 'no signature matches');
}

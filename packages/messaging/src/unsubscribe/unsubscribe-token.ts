import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'us1';

/** What an unsubscribe link withdraws: the customer's consent for one purpose on one channel, from one message. */
export interface UnsubscribeClaim {
  /** The tenant the message was sent in: tenants share the secret, and customer ids may repeat across them. */
  readonly tenantId: string;
  readonly customerId: string;
  readonly purpose: string;
  readonly channel: string;
  readonly messageId: string;
}

/**
 * An unsubscribe token: `us1.<claim as JSON, base64url>.<HMAC-SHA256, base64url>`. Only the
 * holder of the secret can make one, so a link cannot be edited to unsubscribe someone else.
 * It does not expire: RFC 8058 links must keep working for as long as the message may be read.
 */
export function signUnsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  const body = Buffer.from(
    JSON.stringify([claim.tenantId, claim.customerId, claim.purpose, claim.channel, claim.messageId]),
    'utf8',
  ).toString('base64url');
  return `${PREFIX}.${body}.${mac(body, secret)}`;
}

/** The claim a token was signed for, or undefined for anything else (the signature compared in constant time). */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | undefined {
  if (typeof token !== 'string' || token.length > 2048) return undefined;
  const [prefix, body, signature, ...rest] = token.split('.');
  if (prefix !== PREFIX || !body || !signature || rest.length > 0) return undefined;
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 5 || !parsed.every((part) => typeof part === 'string' && part.length > 0))
      return undefined;
    const [tenantId, customerId, purpose, channel, messageId] = parsed as [string, string, string, string, string];
    return { tenantId, customerId, purpose, channel, messageId };
  } catch {
    return undefined;
  }
}

/** The link: `url` with the token in its `token` query parameter (other parameters kept). */
export function unsubscribeLink(url: string, token: string): string {
  const link = new URL(url);
  link.searchParams.set('token', token);
  return link.toString();
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest('base64url');
}

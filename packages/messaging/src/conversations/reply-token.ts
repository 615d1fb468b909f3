import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'rt1';

/**
 * A reply token for a conversation: `rt1.<id, base64url>.<HMAC-SHA256, base64url>`, safe in
 * an e-mail local part (`hello+rt1.….…@shop.example`) and a bridge's conversation id. Only the
 * holder of the secret can make one, so a forged token threads nothing.
 */
export function signReplyToken(conversationId: string, secret: string): string {
  const id = Buffer.from(conversationId, 'utf8').toString('base64url');
  return `${PREFIX}.${id}.${mac(id, secret)}`;
}

/** The conversation id a token was signed for, or undefined for anything that is not a valid token (compared in constant time). */
export function verifyReplyToken(token: string, secret: string): string | undefined {
  const [prefix, id, signature, ...rest] = token.split('.');
  if (prefix !== PREFIX || !id || !signature || rest.length > 0) return undefined;
  const expected = Buffer.from(mac(id, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return Buffer.from(id, 'base64url').toString('utf8');
}

/** The reply tokens an address or id may carry: the whole value, and an e-mail address's `+tag`. */
export function replyTokenCandidates(value: string | undefined): string[] {
  if (!value) return [];
  const plus = /\+(rt1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)@/.exec(value);
  return plus?.[1] ? [plus[1], value] : [value];
}

function mac(id: string, secret: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${id}`).digest('base64url').slice(0, 32);
}

/** A reply-to address carrying the token in its `+tag`: `hello@shop.example` → `hello+rt1.….…@shop.example`. */
export function replyAddress(mailbox: string, token: string): string {
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) throw new TypeError(`"${mailbox}" is not an e-mail address`);
  return `${mailbox.slice(0, at)}+${token}${mailbox.slice(at)}`;
}

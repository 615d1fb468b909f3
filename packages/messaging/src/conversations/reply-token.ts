import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Token formats, by prefix. `rt2` (issued for ids of letters, digits, `_` and `-`, such as the
 * default ULIDs) carries the id as it is and a 22-character (132-bit) MAC: 53 characters, so
 * `hello+<token>` stays inside the 64 octets RFC 5321 allows a local part. `rt1` (base64url id,
 * 32-character MAC; 72 characters for a ULID) is issued for other ids and still verified, so
 * replies to messages sent with it keep threading.
 */
const FORMATS = {
  rt1: {
    macLength: 32,
    encode: (id: string) => Buffer.from(id, 'utf8').toString('base64url'),
    decode: (id: string) => Buffer.from(id, 'base64url').toString('utf8'),
  },
  rt2: { macLength: 22, encode: (id: string) => id, decode: (id: string) => id },
} as const;
type Prefix = keyof typeof FORMATS;
const RAW_ID = /^[A-Za-z0-9_-]+$/;

/**
 * A reply token for a conversation: `rt2.<id>.<HMAC-SHA256, base64url>` (or `rt1.<id,
 * base64url>.<…>` for an id with other characters), safe in an e-mail local part
 * (`hello+rt2.….…@shop.example`) and a bridge's conversation id. Only the holder of the secret
 * can make one, so a forged token threads nothing.
 */
export function signReplyToken(conversationId: string, secret: string): string {
  const prefix: Prefix = RAW_ID.test(conversationId) ? 'rt2' : 'rt1';
  const id = FORMATS[prefix].encode(conversationId);
  return `${prefix}.${id}.${mac(prefix, id, secret)}`;
}

/** The conversation id a token was signed for, or undefined for anything that is not a valid token (compared in constant time). */
export function verifyReplyToken(token: string, secret: string): string | undefined {
  const [prefix, id, signature, ...rest] = token.split('.');
  if (!prefix || !Object.hasOwn(FORMATS, prefix) || !id || !signature || rest.length > 0) return undefined;
  const format = prefix as Prefix;
  const expected = Buffer.from(mac(format, id, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return FORMATS[format].decode(id);
}

/** The reply tokens an address or id may carry: the whole value, and an e-mail address's `+tag`. */
export function replyTokenCandidates(value: string | undefined): string[] {
  if (!value) return [];
  const plus = /\+(rt[12]\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)@/.exec(value);
  return plus?.[1] ? [plus[1], value] : [value];
}

function mac(prefix: Prefix, id: string, secret: string): string {
  return createHmac('sha256', secret).update(`${prefix}.${id}`).digest('base64url').slice(0, FORMATS[prefix].macLength);
}

/** A reply-to address carrying the token in its `+tag`: `hello@shop.example` → `hello+rt2.….…@shop.example`. */
export function replyAddress(mailbox: string, token: string): string {
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) throw new TypeError(`"${mailbox}" is not an e-mail address`);
  return `${mailbox.slice(0, at)}+${token}${mailbox.slice(at)}`;
}

import { createHash } from 'node:crypto';

const MAX_KEY = 200;

/** A digest that keeps a key within its column whatever the provider's id looks like. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** The key an e-mail `Message-ID` (or any channel's message id) threads by: the id as given, or its digest when long. */
export function messageThreadKey(messageId: string): string {
  const key = `m:${messageId.trim()}`;
  return key.length <= MAX_KEY ? key : `m#${digest(messageId.trim())}`;
}

/** The key of a bridge's own thread id on one channel (a chat thread, a social post). */
export function channelThreadKey(channel: string, threadId: string): string {
  const key = `c:${channel}:${threadId}`;
  return key.length <= MAX_KEY ? key : `c#${digest(`${channel}\u0000${threadId}`)}`;
}

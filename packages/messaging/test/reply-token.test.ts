import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { replyAddress, replyTokenCandidates, signReplyToken, verifyReplyToken } from '../src/conversations/reply-token.js';

const SECRET = 'reply-token-secret-0123456789abcdef';
const ULID = '01JE8ZK3V6W9Q2R5T7Y4X1M0NB';

describe('reply tokens', () => {
  it('fit a ULID conversation id into a +tag within the 64 octets of a local part, and verify', () => {
    const token = signReplyToken(ULID, SECRET);
    expect(token).toMatch(/^rt2\.01JE8ZK3V6W9Q2R5T7Y4X1M0NB\.[A-Za-z0-9_-]{22}$/);
    const address = replyAddress('hello@shop.example', token);
    expect(address.split('@')[0]?.length).toBeLessThanOrEqual(64);
    expect(replyTokenCandidates(address)[0]).toBe(token);
    expect(verifyReplyToken(token, SECRET)).toBe(ULID);
  });

  it('carry an id with other characters base64url-encoded (rt1), and verify it', () => {
    for (const id of ['conv.1', 'gespräch/7', '会话:42']) {
      const token = signReplyToken(id, SECRET);
      expect(token.startsWith('rt1.')).toBe(true);
      expect(token).toMatch(/^rt1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{32}$/);
      expect(verifyReplyToken(token, SECRET)).toBe(id);
    }
  });

  it('still verify rt1 tokens issued before rt2, so replies to earlier messages keep threading', () => {
    // The rt1 format as issued until now: base64url id, HMAC-SHA256 over "rt1.<id>", 32 characters.
    const id = Buffer.from(ULID, 'utf8').toString('base64url');
    const legacy = `rt1.${id}.${createHmac('sha256', SECRET).update(`rt1.${id}`).digest('base64url').slice(0, 32)}`;
    expect(verifyReplyToken(legacy, SECRET)).toBe(ULID);
    expect(replyTokenCandidates(`hello+${legacy}@shop.example`)[0]).toBe(legacy);
  });

  it('refuse a token changed in any character, with another prefix, or signed with another secret', () => {
    const token = signReplyToken(ULID, SECRET);
    for (let index = 0; index < token.length; index++) {
      const character = token[index] === 'A' ? 'B' : 'A';
      const changed = `${token.slice(0, index)}${character}${token.slice(index + 1)}`;
      expect(verifyReplyToken(changed, SECRET), changed).toBeUndefined();
    }
    expect(verifyReplyToken(token.replace(/^rt2/, 'rt1'), SECRET)).toBeUndefined();
    expect(verifyReplyToken(token.replace(/^rt2/, 'rt3'), SECRET)).toBeUndefined();
    expect(verifyReplyToken(token, 'another-secret-0123456789abcdef')).toBeUndefined();
    expect(verifyReplyToken(`${token}.extra`, SECRET)).toBeUndefined();
  });
});

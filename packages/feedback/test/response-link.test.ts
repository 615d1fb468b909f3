import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createResponseLinkToken, FeedbackErrorCode, linkResponseMode, verifyResponseLinkToken } from '../src/index.js';

const secret = 'a-test-secret-that-is-32-bytes-long!';
const now = new Date('2026-05-01T10:00:00Z');
const input = { secret, linkId: 'send_1', customerId: 'cus_1', surveyId: 'post-purchase', surveyVersion: 2, now, expiresInMinutes: 60 };

async function refusal(run: () => Promise<unknown>): Promise<{ code: string; kind: string; details: { reason: string } }> {
  try {
    await run();
  } catch (error) {
    return error as { code: string; kind: string; details: { reason: string } };
  }
  throw new Error('expected the link to be refused');
}

describe('signed response links', () => {
  it('round-trips the customer, survey, version and expiry', async () => {
    const token = await createResponseLinkToken(input);
    const claims = await verifyResponseLinkToken(token, secret, new Date('2026-05-01T10:59:59Z'));
    expect(claims).toEqual({
      linkId: 'send_1',
      customerId: 'cus_1',
      surveyId: 'post-purchase',
      surveyVersion: 2,
      issuedAt: now,
      expiresAt: new Date('2026-05-01T11:00:00Z'),
    });
  });

  it('refuses an expired link with reason expired', async () => {
    const token = await createResponseLinkToken(input);
    const error = await refusal(() => verifyResponseLinkToken(token, secret, new Date('2026-05-01T11:00:01Z')));
    expect(error).toMatchObject({ code: FeedbackErrorCode.LinkExpired, kind: 'forbidden', details: { reason: 'expired' } });
  });

  it('refuses a tampered payload and another key with reason signature', async () => {
    const token = await createResponseLinkToken(input);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ svy: 'post-purchase', ver: 2, aud: 'rapport:survey-response', sub: 'cus_2', jti: 'send_1', iat: 1, exp: 4e9 }),
    ).toString('base64url');
    expect(await refusal(() => verifyResponseLinkToken(`${header}.${forged}.${signature}`, secret, now))).toMatchObject({
      code: FeedbackErrorCode.LinkInvalid,
      details: { reason: 'signature' },
    });
    expect(await refusal(() => verifyResponseLinkToken(token, 'another-secret-that-is-32-bytes-long', now))).toMatchObject({
      details: { reason: 'signature' },
    });
  });

  it('refuses a token signed with the same key for another purpose (a consent link)', async () => {
    const consent = await new SignJWT({ purpose: 'marketing' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('rapport:consent-confirmation')
      .setSubject('cus_1')
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 60)
      .sign(new TextEncoder().encode(secret));
    expect(await refusal(() => verifyResponseLinkToken(consent, secret, now))).toMatchObject({
      code: FeedbackErrorCode.LinkInvalid,
      details: { reason: 'purpose' },
    });
  });

  it('refuses garbage and an unsigned (alg none) token with reason malformed', async () => {
    expect(await refusal(() => verifyResponseLinkToken('not-a-token', secret, now))).toMatchObject({ details: { reason: 'malformed' } });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"cus_1"}').toString('base64url')}.`;
    const error = await refusal(() => verifyResponseLinkToken(none, secret, now));
    expect(error.code).toBe(FeedbackErrorCode.LinkInvalid);
  });

  it('checks its inputs: a short secret and an empty customer are named', async () => {
    await expect(createResponseLinkToken({ ...input, secret: 'short' })).rejects.toMatchObject({
      code: FeedbackErrorCode.InvalidOptions,
      details: { issues: [expect.objectContaining({ path: ['secret'] })] },
    });
    await expect(createResponseLinkToken({ ...input, customerId: '' })).rejects.toMatchObject({
      details: { issues: [expect.objectContaining({ path: ['customerId'] })] },
    });
  });

  it('property: changing any character of the header, payload or signature is refused', async () => {
    const token = await createResponseLinkToken(input);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last character of a base64url segment may carry unused bits, so it is left out.
    const positions = [...token].flatMap((char, index) =>
      char !== '.' && token[index + 1] !== '.' && index !== token.length - 1 ? [index] : [],
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...positions), fc.constantFrom(...alphabet), async (index, replacement) => {
        fc.pre(token[index] !== replacement);
        const mutated = token.slice(0, index) + replacement + token.slice(index + 1);
        const error = await refusal(() => verifyResponseLinkToken(mutated, secret, now));
        expect(error.code).toBe(FeedbackErrorCode.LinkInvalid);
      }),
      { numRuns: 200 },
    );
  });
});

describe('one response per link, editable for a while', () => {
  it('creates the first response, edits within the window, refuses after it with reason used', () => {
    expect(linkResponseMode(undefined, now, 60)).toBe('create');
    const existing = { answeredAt: new Date('2026-05-01T10:00:00Z') };
    expect(linkResponseMode(existing, new Date('2026-05-01T10:59:59Z'), 60)).toBe('edit');
    expect(() => linkResponseMode(existing, new Date('2026-05-01T11:00:00Z'), 60)).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.LinkUsed,
        kind: 'conflict',
        details: expect.objectContaining({ reason: 'used', editableUntil: '2026-05-01T11:00:00.000Z' }),
      }),
    );
    expect(() => linkResponseMode(existing, now, 0)).toThrow(expect.objectContaining({ code: FeedbackErrorCode.LinkUsed }));
  });
});

describe('links verified at once', () => {
  it('many links issued and verified concurrently each keep their own claims, and a bad one among them fails alone', async () => {
    for (let round = 0; round < 5; round++) {
      const ids = Array.from({ length: 50 }, (_, index) => `r${round}-c${index}`);
      const tokens = await Promise.all(ids.map((id) => createResponseLinkToken({ ...input, linkId: `send-${id}`, customerId: id })));
      tokens[7] = `${tokens[7]}x`;
      const results = await Promise.allSettled(tokens.map((token) => verifyResponseLinkToken(token, secret, now)));
      results.forEach((result, index) => {
        if (index === 7) expect(result).toMatchObject({ status: 'rejected', reason: { code: FeedbackErrorCode.LinkInvalid } });
        else expect(result).toMatchObject({ status: 'fulfilled', value: { customerId: ids[index], linkId: `send-${ids[index]}` } });
      });
    }
  });
});

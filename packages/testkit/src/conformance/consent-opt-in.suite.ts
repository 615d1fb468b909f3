import { type ConsentTokenFailure, isRapportError } from '@rapport/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fake-clock.js';
import { TEST_EPOCH } from '../test-crm.js';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';
import { expectInvalid } from './hostile-expect.js';

const SECRET = 'conformance-secret-of-at-least-32-bytes!';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The reason a confirmation was refused, or a failure when it was not refused that way. */
async function refusal(call: Promise<unknown>): Promise<ConsentTokenFailure> {
  const error = await call.then(
    () => {
      throw new Error('the token was accepted');
    },
    (caught: unknown) => caught,
  );
  expect(isRapportError(error, 'CONSENT_TOKEN_INVALID'), String(error)).toBe(true);
  return (error as { details: { reason: ConsentTokenFailure } }).details.reason;
}

/** Double opt-in: a pending grant, a signed expiring token, one confirmation. */
export function consentOptInSuite(ctx: ConformanceContext, rounds: number): void {
  const optIn = (clock = new FakeClock(TEST_EPOCH)) => crmFor(ctx, clock, { consent: { secret: SECRET, tokenTtlSeconds: 3600 } });

  describe(`${ctx.name}: consent double opt-in`, () => {
    it('records a pending grant that decides nothing, and confirms it once into a grant proved by the token id', async () => {
      const { crm, events } = await optIn();
      const customer = await crm.customers.create({});
      const request = await crm.consent.requestGrant({
        customerId: customer.id,
        purpose: 'marketing',
        channel: 'email',
        source: 'newsletter-form',
        proof: { ip: '198.51.100.4' },
      });
      expect(request.record).toMatchObject({ status: 'pending', requestId: null, actor: 'app' });
      expect(request.tokenExpiresAt.getTime() - request.record.recordedAt.getTime()).toBe(3_600_000);
      const ask = { customerId: customer.id, purpose: 'marketing', channel: 'email' };
      expect(await crm.consent.check(ask)).toMatchObject({ allowed: false, reason: 'no-consent', record: null });
      const grant = await crm.consent.confirm(request.token);
      expect(grant).toMatchObject({
        status: 'granted',
        purpose: 'marketing',
        channel: 'email',
        source: 'newsletter-form',
        requestId: request.record.id,
        proof: { ip: '198.51.100.4', tokenId: request.record.id },
      });
      expect(await crm.consent.check(ask)).toMatchObject({ allowed: true, record: grant });
      expect(await refusal(crm.consent.confirm(request.token))).toBe('used');
      expect((await crm.consent.history(customer.id)).map((record) => record.status)).toEqual(['pending', 'granted']);
      expect(events.filter((event) => event.name === 'consent.changed')).toHaveLength(2);
    });

    it('refuses an expired token (fake clock), a token of another tenant or key, and nothing is granted', async () => {
      const clock = new FakeClock(TEST_EPOCH);
      const { crm } = await optIn(clock);
      const customer = await crm.customers.create({});
      const request = await crm.consent.requestGrant({ customerId: customer.id, purpose: 'analytics', source: 'app' });
      const other = (await optIn()).crm;
      expect(await refusal(other.consent.confirm(request.token))).toBe('wrong-tenant');
      const otherKey = (await crmFor(ctx, clock, { consent: { secret: `${SECRET}-rotated` } })).crm;
      expect(await refusal(otherKey.consent.confirm(request.token))).toBe('tampered');
      clock.advance({ seconds: 3600 });
      expect(await refusal(crm.consent.confirm(request.token))).toBe('expired');
      expect(await refusal(crm.consent.confirm('not-a-token'))).toBe('malformed');
      await expectInvalid(crm.consent.confirm(42 as never), ['token']);
      expect((await crm.consent.history(customer.id)).map((record) => record.status)).toEqual(['pending']);
      // Without a secret double opt-in is unavailable, and says which option is missing.
      const plain = (await crmFor(ctx)).crm;
      const someone = await plain.customers.create({});
      await expectInvalid(plain.consent.requestGrant({ customerId: someone.id, purpose: 'marketing', source: 'x' }), [
        'options',
        'consent',
        'secret',
      ]);
      expect(await plain.consent.history(someone.id)).toEqual([]);
    });

    it('refuses any tampered token (property) and grants nothing', async () => {
      const { crm } = await optIn();
      const customer = await crm.customers.create({});
      const { token } = await crm.consent.requestGrant({ customerId: customer.id, purpose: 'marketing', source: 'form' });
      // The last character of each base64url part carries padding bits; changing those may
      // leave the bytes as they were, which is not tampering.
      const editable = [...token].flatMap((char, index) =>
        char === '.' || token[index + 1] === '.' || index === token.length - 1 ? [] : [index],
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...editable), fc.constantFrom(...BASE64URL), async (index, replacement) => {
          fc.pre(token[index] !== replacement);
          const tampered = token.slice(0, index) + replacement + token.slice(index + 1);
          expect(['tampered', 'malformed']).toContain(await refusal(crm.consent.confirm(tampered)));
        }),
        { numRuns: 60 },
      );
      expect((await crm.consent.history(customer.id)).map((record) => record.status)).toEqual(['pending']);
    });

    it('grants once when two callers confirm one token at the same time (many rounds)', async () => {
      const { crm } = await optIn();
      const AT_ONCE = 4;
      for (let round = 0; round < rounds; round += AT_ONCE) {
        await Promise.all(
          Array.from({ length: Math.min(AT_ONCE, rounds - round) }, async () => {
            const customer = await crm.customers.create({});
            const { token, record } = await crm.consent.requestGrant({ customerId: customer.id, purpose: 'marketing', source: 'race' });
            const results = await Promise.allSettled([crm.consent.confirm(token), crm.consent.confirm(token)]);
            const granted = results.filter((result) => result.status === 'fulfilled');
            expect(
              granted,
              JSON.stringify(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))),
            ).toHaveLength(1);
            const rejected = results.find((result) => result.status === 'rejected');
            expect(isRapportError(rejected?.status === 'rejected' ? rejected.reason : null, 'CONSENT_TOKEN_INVALID')).toBe(true);
            expect((rejected as PromiseRejectedResult).reason.details.reason).toBe('used');
            const grants = (await crm.consent.history(customer.id)).filter((entry) => entry.requestId === record.id);
            expect(grants).toHaveLength(1);
          }),
        );
      }
    });
  });
}

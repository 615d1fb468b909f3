import { type ConsentDecision, type ConsentRecord, ConsentRequiredError, isRapportError } from '@rapport/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fake-clock.js';
import { TEST_EPOCH } from '../test-crm.js';
import type { ConformanceContext } from './context.js';
import { crmFor } from './crm-for.js';
import { expectInvalid } from './hostile-expect.js';

const PURPOSES = ['marketing', 'analytics'] as const;
const CHANNELS = ['*', 'email', 'sms'] as const;
const MINUTE = 60_000;
/** Every generated record happens in the day before the test clock's start. */
const BASE = new Date(TEST_EPOCH).getTime() - 24 * 60 * MINUTE;

/** One generated ledger change: minutes after BASE, and for grants an optional lifetime. */
interface Change {
  status: 'granted' | 'denied' | 'withdrawn';
  purpose: (typeof PURPOSES)[number];
  channel: (typeof CHANNELS)[number];
  minute: number;
  lifetime: number | null;
}

const changeArbitrary: fc.Arbitrary<Change> = fc
  .record({
    status: fc.constantFrom('granted' as const, 'denied' as const, 'withdrawn' as const),
    purpose: fc.constantFrom(...PURPOSES),
    channel: fc.constantFrom(...CHANNELS),
    minute: fc.integer({ min: 0, max: 60 }),
    lifetime: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
  })
  .map((change) => (change.status === 'granted' ? change : { ...change, lifetime: null }));

/**
 * The model the ledger must follow, written independently of `decideConsent`: the last
 * change of the purpose on the channel or `*` that happened by `t` decides (a tie in time
 * goes to the channel-specific change, then to the one recorded later); a grant past its
 * lifetime reads unknown.
 */
function expected(changes: readonly { change: Change; record: ConsentRecord }[], purpose: string, channel: string, t: number) {
  let last: { change: Change; record: ConsentRecord; order: number } | null = null;
  for (const [order, entry] of changes.entries()) {
    const { change } = entry;
    if (change.purpose !== purpose || (change.channel !== channel && change.channel !== '*')) continue;
    if (BASE + change.minute * MINUTE > t) continue;
    const later =
      last === null ||
      change.minute > last.change.minute ||
      (change.minute === last.change.minute &&
        (Number(change.channel === channel) > Number(last.change.channel === channel) ||
          (change.channel === last.change.channel && order > last.order)));
    if (later) last = { ...entry, order };
  }
  if (last === null) return { state: 'unknown', reason: 'no-consent', recordId: null };
  const { change, record } = last;
  if (change.status !== 'granted') return { state: 'denied', reason: change.status, recordId: record.id };
  if (change.lifetime !== null && BASE + (change.minute + change.lifetime) * MINUTE <= t)
    return { state: 'unknown', reason: 'expired', recordId: record.id };
  return { state: 'granted', reason: 'granted', recordId: record.id };
}

const summary = (decision: ConsentDecision | undefined) =>
  decision ? { state: decision.state, reason: decision.reason, recordId: decision.record?.id ?? null } : undefined;

/** The consent ledger through the Crm: state at any time, expiry, notices, policies, the gate, append-only, bad input. */
export function consentLedgerSuite(ctx: ConformanceContext, runs: number): void {
  describe(`${ctx.name}: consent ledger`, () => {
    it('reports the state at any time t as the last decision before t, per purpose and channel, with expiry (property)', async () => {
      const { crm, clock } = await crmFor(ctx);
      await fc.assert(
        fc.asyncProperty(
          fc.array(changeArbitrary, { minLength: 1, maxLength: 10 }),
          fc.array(fc.integer({ min: -5, max: 100 }), { maxLength: 3 }),
          async (changes, extraMinutes) => {
            const customer = await crm.customers.create({});
            const written: { change: Change; record: ConsentRecord }[] = [];
            for (const change of changes) {
              clock.advance({ ms: 1 }); // recordedAt orders changes made at the same occurredAt
              const occurredAt = new Date(BASE + change.minute * MINUTE);
              const input = { customerId: customer.id, purpose: change.purpose, channel: change.channel, source: 'property', occurredAt };
              const record =
                change.status === 'granted'
                  ? await crm.consent.grant({
                      ...input,
                      expiresAt: change.lifetime === null ? null : new Date(occurredAt.getTime() + change.lifetime * MINUTE),
                    })
                  : change.status === 'denied'
                    ? await crm.consent.deny(input)
                    : await crm.consent.withdraw(input);
              written.push({ change, record });
            }
            // Probe at every change and expiry, a moment either side, and a few other minutes.
            const probes = new Set<number>(extraMinutes.map((minute) => BASE + minute * MINUTE));
            for (const { change } of written) {
              for (const minute of [change.minute, ...(change.lifetime === null ? [] : [change.minute + change.lifetime])])
                for (const delta of [-1, 0, 1]) probes.add(BASE + minute * MINUTE + delta);
            }
            // At most 12 probes per run (evenly spread), each one read of the whole state.
            const sorted = [...probes].sort((a, b) => a - b);
            const step = Math.max(1, Math.ceil(sorted.length / 12));
            for (const t of sorted.filter((_, index) => index % step === 0)) {
              const states = await crm.consent.stateAt(customer.id, new Date(t));
              const pairs = new Set(
                written
                  .filter(({ change }) => BASE + change.minute * MINUTE <= t)
                  .map(({ change }) => `${change.purpose}/${change.channel}`),
              );
              expect(new Set(states.map((state) => `${state.purpose}/${state.channel}`)), `pairs at ${t - BASE}ms`).toEqual(pairs);
              for (const state of states) {
                expect(summary(state), `${state.purpose}/${state.channel} at ${t - BASE}ms`).toEqual(
                  expected(written, state.purpose, state.channel, t),
                );
              }
            }
            // A channel no record names directly follows the `*` records (or has nothing on record).
            for (const channel of ['email', 'sms'] as const) {
              const t = sorted[sorted.length - 1] as number;
              for (const state of await crm.consent.stateAt(customer.id, new Date(t), { channel }))
                expect(summary(state), `${state.purpose}/${channel} at ${t - BASE}ms`).toEqual(
                  expected(written, state.purpose, channel, t),
                );
            }
            const probe = [...probes][0] as number;
            const one = await crm.consent.decide({ customerId: customer.id, purpose: 'marketing', channel: 'email', at: new Date(probe) });
            expect(summary(one)).toEqual(expected(written, 'marketing', 'email', probe));
            // Append-only: every record is still there, exactly as written.
            const history = await crm.consent.history(customer.id);
            expect(new Map(history.map((record) => [record.id, record]))).toEqual(
              new Map(written.map(({ record }) => [record.id, record])),
            );
          },
        ),
        { numRuns: runs },
      );
    }, 180_000);

    it('records who made a change (app by default) and lets a grant lapse at its expiry with reason expired', async () => {
      const { crm, clock } = await crmFor(ctx);
      const customer = await crm.customers.create({});
      const grant = await crm.consent.grant({
        customerId: customer.id,
        purpose: 'marketing',
        channel: 'email',
        source: 'checkout',
        actor: 'user:42',
        expiresAt: new Date(clock.now().getTime() + 10 * MINUTE),
      });
      const denial = await crm.consent.deny({ customerId: customer.id, purpose: 'analytics', source: 'banner' });
      expect([grant.actor, denial.actor]).toEqual(['user:42', 'app']);
      expect(await crm.consent.history(customer.id)).toEqual([grant, denial]);
      expect(await crm.consent.check({ customerId: customer.id, purpose: 'marketing', channel: 'email' })).toMatchObject({
        allowed: true,
        reason: 'granted',
      });
      clock.advance({ minutes: 10 });
      const lapsed = await crm.consent.check({ customerId: customer.id, purpose: 'marketing', channel: 'email' });
      expect(lapsed).toMatchObject({ allowed: false, state: 'unknown', reason: 'expired', record: grant });
      expect(
        await crm.consent.decide({ customerId: customer.id, purpose: 'marketing', channel: 'email', at: grant.occurredAt }),
      ).toMatchObject({ allowed: true });
      expect(await crm.consent.check({ customerId: customer.id, purpose: 'analytics', channel: 'web' })).toMatchObject({
        state: 'denied',
        reason: 'denied',
      });
      expect((await crm.consent.states(customer.id)).map((state) => `${state.purpose}/${state.channel}:${state.reason}`)).toEqual([
        'analytics/*:denied',
        'marketing/email:expired',
      ]);
    });

    it('requires fresh consent once a material notice version is in force, and rejects unregistered versions', async () => {
      const clock = new FakeClock(TEST_EPOCH);
      const day = (n: number) => new Date(new Date(TEST_EPOCH).getTime() + n * 86_400_000);
      const { crm } = await crmFor(ctx, clock, {
        consent: {
          notices: [
            { purpose: 'marketing', version: 'v1', effectiveAt: day(-30) },
            { purpose: 'marketing', version: 'v2', effectiveAt: day(10), material: true },
            { purpose: 'marketing', version: 'v2.1', effectiveAt: day(20) },
          ],
        },
      });
      const customer = await crm.customers.create({});
      const ask = { customerId: customer.id, purpose: 'marketing', channel: 'email' };
      const old = await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', source: 'signup', noticeVersion: 'v1' });
      expect((await crm.consent.check(ask)).state).toBe('granted');
      clock.set(day(10));
      const outdated = await crm.consent.check(ask);
      expect(outdated).toMatchObject({ allowed: false, state: 'unknown', reason: 'notice-outdated', record: old });
      const refused = await crm.consent.assertAllowed(ask).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConsentRequiredError);
      expect((refused as ConsentRequiredError).details).toEqual({
        customerId: customer.id,
        purpose: 'marketing',
        channel: 'email',
        reason: 'notice-outdated',
        recordId: old.id,
      });
      // The state before the material version took effect is still granted.
      expect((await crm.consent.decide({ ...ask, at: day(9) })).state).toBe('granted');
      await expectInvalid(crm.consent.grant({ customerId: customer.id, purpose: 'marketing', source: 'form', noticeVersion: 'v9' }), [
        'noticeVersion',
      ]);
      clock.set(day(21));
      const fresh = await crm.consent.grant({ customerId: customer.id, purpose: 'marketing', source: 'form', noticeVersion: 'v2.1' });
      expect(await crm.consent.assertAllowed(ask)).toMatchObject({ allowed: true, record: fresh });
      // Purposes without registered notices take any version.
      await crm.consent.grant({ customerId: customer.id, purpose: 'analytics', source: 'form', noticeVersion: 'anything' });
      expect(await crm.consent.history(customer.id)).toHaveLength(3);
    });

    it('applies the default policy per purpose: transactional opt-out, others opt-in, configurable', async () => {
      const { crm } = await crmFor(ctx);
      const customer = await crm.customers.create({});
      const gate = (purpose: string) => crm.consent.decide({ customerId: customer.id, purpose, channel: 'email' });
      expect(await gate('transactional')).toMatchObject({
        allowed: true,
        state: 'unknown',
        reason: 'default-opt-out',
        record: null,
        policy: 'opt-out',
      });
      expect(await gate('marketing')).toMatchObject({ allowed: false, reason: 'no-consent', policy: 'opt-in' });
      await crm.consent.withdraw({ customerId: customer.id, purpose: 'transactional', channel: 'email', source: 'support' });
      expect(await gate('transactional')).toMatchObject({ allowed: false, state: 'denied', reason: 'withdrawn' });
      const error = await crm.consent
        .assertAllowed({ customerId: customer.id, purpose: 'marketing', channel: 'sms' })
        .catch((caught: unknown) => caught);
      expect(isRapportError(error, 'CONSENT_REQUIRED')).toBe(true);
      expect((error as ConsentRequiredError).kind).toBe('forbidden');
      expect((error as ConsentRequiredError).details).toMatchObject({
        purpose: 'marketing',
        channel: 'sms',
        reason: 'no-consent',
        recordId: null,
      });

      const custom = (await crmFor(ctx, undefined, { consent: { policies: { transactional: 'opt-in', marketing: 'opt-out' } } })).crm;
      const other = await custom.customers.create({});
      expect(await custom.consent.decide({ customerId: other.id, purpose: 'transactional', channel: 'email' })).toMatchObject({
        allowed: false,
        policy: 'opt-in',
      });
      expect(await custom.consent.decide({ customerId: other.id, purpose: 'marketing', channel: 'email' })).toMatchObject({
        allowed: true,
        reason: 'default-opt-out',
      });
      await expectInvalid(
        crmFor(ctx, undefined, { consent: { policies: { marketing: 'maybe' as never } } }),
        ['options', 'consent', 'policies', 'marketing'],
        'INVALID_OPTIONS',
      );
      await expectInvalid(
        crmFor(ctx, undefined, {
          consent: {
            notices: [
              { purpose: 'marketing', version: 'v1', effectiveAt: '2026-01-01' },
              { purpose: 'marketing', version: 'v1', effectiveAt: '2026-02-01' },
            ],
          },
        }),
        ['options', 'consent', 'notices', 1, 'version'],
        'INVALID_OPTIONS',
      );
      await expectInvalid(crmFor(ctx, undefined, { consent: { secret: 'short' } }), ['options', 'consent', 'secret'], 'INVALID_OPTIONS');
    });

    it('names the bad field and writes nothing for bad input', async () => {
      const { crm } = await crmFor(ctx);
      const customer = await crm.customers.create({});
      const base = { customerId: customer.id, purpose: 'marketing', source: 'form' };
      await expectInvalid(crm.consent.grant({ ...base, purpose: 'Marketing Emails' }), ['purpose']);
      await expectInvalid(crm.consent.grant({ ...base, channel: 'E-mail' }), ['channel']);
      await expectInvalid(crm.consent.grant({ ...base, occurredAt: '2026-05-01T00:00:00Z', expiresAt: '2026-04-30T00:00:00Z' }), [
        'expiresAt',
      ]);
      await expectInvalid(crm.consent.grant({ ...base, occurredAt: '2026-05-01T00:00:00Z', expiresAt: '2026-05-01T00:00:00Z' }), [
        'expiresAt',
      ]);
      await expectInvalid(crm.consent.withdraw({ ...base, expiresAt: '2027-01-01' }), ['expiresAt']);
      await expectInvalid(crm.consent.grant({ ...base, expiresAt: 'next year' }), ['expiresAt']);
      await expectInvalid(crm.consent.deny({ ...base, actor: '' }), ['actor']);
      await expectInvalid(crm.consent.stateAt(customer.id, 'yesterday'), ['at']);
      await expectInvalid(crm.consent.stateAt(customer.id, new Date(), { channel: 'E mail' }), ['filter', 'channel']);
      await expectInvalid(crm.consent.decide({ customerId: customer.id, purpose: 'marketing', at: 12 as never }), ['at']);
      await expectInvalid(crm.consent.assertAllowed({ customerId: customer.id, purpose: '' }), ['purpose']);
      expect(await crm.consent.history(customer.id)).toEqual([]);
    });
  });
}

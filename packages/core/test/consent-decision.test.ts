import { type ConsentRecord, consentRules, consentStates, decideConsent } from '@rapport/core';
import { aConsentRecord } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const record = (overrides: Partial<ConsentRecord>) => aConsentRecord('t', 'c', overrides);
const ask = (purpose: string, channel: string, day = 30) => ({ purpose, channel, at: at(day) });

describe('consent decisions', () => {
  it('is unknown with no records: refused for opt-in purposes, allowed for opt-out ones', () => {
    expect(decideConsent([], ask('marketing', 'email'))).toMatchObject({
      allowed: false,
      state: 'unknown',
      reason: 'no-consent',
      record: null,
      policy: 'opt-in',
    });
    expect(decideConsent([], ask('transactional', 'email'))).toMatchObject({ allowed: true, reason: 'default-opt-out', policy: 'opt-out' });
    const rules = consentRules({ transactional: 'opt-in', analytics: 'opt-out' });
    expect(decideConsent([], ask('transactional', 'email'), rules).allowed).toBe(false);
    expect(decideConsent([], ask('analytics', 'web'), rules).reason).toBe('default-opt-out');
  });

  it('lets a later wildcard withdrawal override an earlier channel grant', () => {
    const grant = record({ channel: 'email', status: 'granted', occurredAt: at(1) });
    const withdrawAll = record({ channel: '*', status: 'withdrawn', occurredAt: at(2) });
    const decision = decideConsent([grant, withdrawAll], ask('marketing', 'email'));
    expect(decision).toMatchObject({ allowed: false, state: 'denied', reason: 'withdrawn', record: withdrawAll, status: 'denied' });
    expect(decision.decidedBy).toBe(withdrawAll);
  });

  it('lets a later channel grant re-open that channel only', () => {
    const withdrawAll = record({ channel: '*', status: 'withdrawn', occurredAt: at(1) });
    const grantSms = record({ channel: 'sms', status: 'granted', occurredAt: at(2) });
    expect(decideConsent([withdrawAll, grantSms], ask('marketing', 'sms')).state).toBe('granted');
    expect(decideConsent([withdrawAll, grantSms], ask('marketing', 'email')).state).toBe('denied');
  });

  it('prefers the channel-specific record on a tie in time, and ignores other purposes', () => {
    const wildcard = record({ channel: '*', status: 'granted', occurredAt: at(1) });
    const specific = record({ channel: 'email', status: 'withdrawn', occurredAt: at(1) });
    const analytics = record({ purpose: 'analytics', channel: 'email', status: 'granted', occurredAt: at(5) });
    expect(decideConsent([specific, wildcard, analytics], ask('marketing', 'email')).record).toBe(specific);
  });

  it('reads a denial as denied, ignores pending records and records after the moment asked', () => {
    const denied = record({ status: 'denied', occurredAt: at(1) });
    const pending = record({ status: 'pending', occurredAt: at(2) });
    const later = record({ status: 'granted', occurredAt: at(10) });
    expect(decideConsent([denied, pending, later], ask('marketing', 'email', 5))).toMatchObject({
      state: 'denied',
      reason: 'denied',
      record: denied,
    });
    expect(decideConsent([pending], ask('marketing', 'email'))).toMatchObject({ state: 'unknown', record: null });
    expect(decideConsent([denied, pending, later], ask('marketing', 'email', 10)).record).toBe(later);
  });

  it('lets a grant lapse at its expiry, with reason expired', () => {
    const grant = record({ occurredAt: at(1), expiresAt: at(10) });
    expect(decideConsent([grant], ask('marketing', 'email', 9)).allowed).toBe(true);
    expect(decideConsent([grant], ask('marketing', 'email', 10))).toMatchObject({
      allowed: false,
      state: 'unknown',
      reason: 'expired',
      record: grant,
    });
    // Expired stays refused even where the purpose is opt-out: the record, not the policy, decides.
    expect(
      decideConsent([record({ purpose: 'transactional', occurredAt: at(1), expiresAt: at(2) })], ask('transactional', 'email')).allowed,
    ).toBe(false);
  });

  it('needs fresh consent once a material notice version is in force', () => {
    const rules = consentRules({}, [
      { purpose: 'marketing', version: 'v1', effectiveAt: at(1), material: false },
      { purpose: 'marketing', version: 'v2', effectiveAt: at(5), material: false },
      { purpose: 'marketing', version: 'v3', effectiveAt: at(10), material: true },
      { purpose: 'marketing', version: 'v4', effectiveAt: at(20), material: false },
    ]);
    const underV2 = record({ noticeVersion: 'v2', occurredAt: at(6) });
    expect(decideConsent([underV2], ask('marketing', 'email', 9), rules).state).toBe('granted');
    expect(decideConsent([underV2], ask('marketing', 'email', 10), rules)).toMatchObject({
      state: 'unknown',
      reason: 'notice-outdated',
      allowed: false,
    });
    const noVersion = record({ noticeVersion: null, occurredAt: at(11) });
    expect(decideConsent([noVersion], ask('marketing', 'email', 12), rules).reason).toBe('notice-outdated');
    for (const version of ['v3', 'v4']) {
      const fresh = record({ noticeVersion: version, occurredAt: at(21) });
      expect(decideConsent([underV2, fresh], ask('marketing', 'email', 22), rules).state).toBe('granted');
    }
    const withdrawal = record({ status: 'withdrawn', noticeVersion: 'v1', occurredAt: at(12) });
    expect(decideConsent([underV2, withdrawal], ask('marketing', 'email', 13), rules).state).toBe('denied');
  });

  it('summarises the state per purpose and channel at a moment', () => {
    const records = [
      record({ channel: 'email', status: 'granted', occurredAt: at(1) }),
      record({ channel: 'email', status: 'withdrawn', occurredAt: at(3) }),
      record({ purpose: 'analytics', channel: '*', status: 'granted', occurredAt: at(2) }),
      record({ purpose: 'profiling', channel: '*', status: 'pending', occurredAt: at(2) }),
    ];
    expect(consentStates(records, at(30)).map((state) => [state.purpose, state.channel, state.state])).toEqual([
      ['analytics', '*', 'granted'],
      ['marketing', 'email', 'denied'],
    ]);
    expect(consentStates(records, at(1)).map((state) => [state.purpose, state.state])).toEqual([['marketing', 'granted']]);
  });
});

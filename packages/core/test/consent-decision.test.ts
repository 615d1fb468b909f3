import { type ConsentRecord, consentStates, decideConsent } from '@rapport/core';
import { aConsentRecord } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const record = (overrides: Partial<ConsentRecord>) => aConsentRecord('t', 'c', overrides);

describe('consent decisions', () => {
  it('is unknown with no records', () => {
    expect(decideConsent([], 'marketing', 'email')).toEqual({ purpose: 'marketing', channel: 'email', status: 'unknown', decidedBy: null });
  });

  it('lets a later wildcard withdrawal override an earlier channel grant', () => {
    const grant = record({ channel: 'email', status: 'granted', occurredAt: at(1) });
    const withdrawAll = record({ channel: '*', status: 'withdrawn', occurredAt: at(2) });
    const decision = decideConsent([grant, withdrawAll], 'marketing', 'email');
    expect(decision.status).toBe('denied');
    expect(decision.decidedBy).toBe(withdrawAll);
  });

  it('lets a later channel grant re-open that channel only', () => {
    const withdrawAll = record({ channel: '*', status: 'withdrawn', occurredAt: at(1) });
    const grantSms = record({ channel: 'sms', status: 'granted', occurredAt: at(2) });
    expect(decideConsent([withdrawAll, grantSms], 'marketing', 'sms').status).toBe('granted');
    expect(decideConsent([withdrawAll, grantSms], 'marketing', 'email').status).toBe('denied');
  });

  it('prefers the channel-specific record on a tie in time, and ignores other purposes', () => {
    const wildcard = record({ channel: '*', status: 'granted', occurredAt: at(1) });
    const specific = record({ channel: 'email', status: 'withdrawn', occurredAt: at(1) });
    const analytics = record({ purpose: 'analytics', channel: 'email', status: 'granted', occurredAt: at(5) });
    expect(decideConsent([specific, wildcard, analytics], 'marketing', 'email').decidedBy).toBe(specific);
  });

  it('summarises the current state per purpose and channel', () => {
    const states = consentStates([
      record({ channel: 'email', status: 'granted', occurredAt: at(1) }),
      record({ channel: 'email', status: 'withdrawn', occurredAt: at(3) }),
      record({ purpose: 'analytics', channel: '*', status: 'granted', occurredAt: at(2) }),
    ]);
    expect(states.map((state) => [state.purpose, state.channel, state.status])).toEqual([
      ['analytics', '*', 'granted'],
      ['marketing', 'email', 'denied'],
    ]);
  });
});

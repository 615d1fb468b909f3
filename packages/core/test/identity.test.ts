import { normalizeEmail, normalizeIdentity, normalizePhone } from '@rapport/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('identity normalisation', () => {
  it('trims and lower-cases e-mail addresses', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });

  it('rejects malformed e-mail addresses', () => {
    for (const bad of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'a da@example.com', 'ada@@example.com']) {
      expect(() => normalizeEmail(bad), bad).toThrow(/not a valid e-mail/);
    }
  });

  it('writes phone numbers in E.164 from national and international formats', () => {
    expect(normalizePhone('+44 7400 123456')).toBe('+447400123456');
    expect(normalizePhone('07400 123456', 'GB')).toBe('+447400123456');
    expect(normalizePhone('138 0013 8000', 'CN')).toBe('+8613800138000');
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
  });

  it('rejects phone numbers that are not valid, naming the default region', () => {
    expect(() => normalizePhone('12', 'GB')).toThrow(/default region GB/);
    expect(() => normalizePhone('07400 123456')).toThrow(/no default region/);
  });

  it('keeps external ids as given and normalises their namespace', () => {
    expect(normalizeIdentity({ type: 'external', namespace: ' WeChat ', value: ' oAbC123 ' })).toEqual({
      type: 'external',
      namespace: 'wechat',
      value: 'oAbC123',
    });
  });

  it('property: e-mail normalisation is idempotent and ignores case and surrounding space', () => {
    const local = fc.stringMatching(/^[A-Za-z0-9._%+-]{1,20}$/);
    const domain = fc.stringMatching(/^[A-Za-z0-9-]{1,15}\.[A-Za-z]{2,6}$/);
    fc.assert(
      fc.property(local, domain, fc.constantFrom('', ' ', '\t'), (user, host, pad) => {
        const once = normalizeEmail(`${pad}${user}@${host}${pad}`);
        expect(normalizeEmail(once)).toBe(once);
        expect(normalizeEmail(`${user.toUpperCase()}@${host.toUpperCase()}`)).toBe(once);
        expect(once).toBe(once.toLowerCase().trim());
      }),
    );
  });

  it('property: a phone number written nationally and internationally normalises the same, and E.164 is a fixed point', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), (n) => {
        const subscriber = String(n).padStart(6, '0');
        const national = `07400 ${subscriber}`;
        const international = `+44 (0) 7400-${subscriber.slice(0, 3)} ${subscriber.slice(3)}`;
        const e164 = normalizePhone(national, 'GB');
        expect(normalizePhone(international)).toBe(e164);
        expect(normalizePhone(e164)).toBe(e164);
        expect(e164).toMatch(/^\+447400\d{6}$/);
      }),
    );
  });
});

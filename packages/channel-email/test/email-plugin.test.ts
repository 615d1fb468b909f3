import { createCrm, isRapportError, memoryStorage } from '@rapport/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { EmailChannel } from '../src/email-channel.js';
import { EMAIL_CHANNEL, email } from '../src/plugin.js';

const options = { smtp: { host: '127.0.0.1', port: 2525, ignoreTLS: true }, from: 'hello@shop.example' };

describe('email plugin', () => {
  it('provides the channel as crm.emailChannel and contributes it to the hub under its id', async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [email(options)] });
    try {
      expectTypeOf(crm.emailChannel).toEqualTypeOf<EmailChannel>();
      expect(crm.emailChannel).toBeInstanceOf(EmailChannel);
      const [contribution] = crm.contributions.of('channels');
      expect(contribution?.value.id).toBe('email');
      expect(crm.container.resolve(contribution?.value.token ?? EMAIL_CHANNEL)).toBe(crm.emailChannel);
    } finally {
      await crm.close();
    }
  });

  it('bad options fail createCrm with PLUGIN_INVALID_OPTIONS naming each field', async () => {
    const bad = { smtp: { host: '', port: 70_000 }, from: 'x', messageIdDomain: 'not a domain' };
    const error = await createCrm({ storage: memoryStorage(), plugins: [email(bad as never)] }).catch((thrown: unknown) => thrown);
    expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
    const paths = (error as { details: { issues: { path: string[] }[] } }).details.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['smtp.host', 'smtp.port', 'from', 'messageIdDomain']));
  });
});

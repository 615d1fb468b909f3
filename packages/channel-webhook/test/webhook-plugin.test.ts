import { createCrm, isRapportError, memoryStorage } from '@rapport/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { webhook } from '../src/plugin.js';
import type { WebhookChannel } from '../src/webhook-channel.js';
import { SECRET } from './webhook-fixtures.js';

describe('webhook plugin', () => {
  it('one plugin per bridge: each typed as crm.<id>Channel and contributed under its id', async () => {
    const crm = await createCrm({
      storage: memoryStorage(),
      plugins: [
        webhook({ url: 'https://chat.example/in', secrets: [SECRET] }),
        webhook({ id: 'wechat', url: 'https://wechat-bridge.example/in', secrets: [SECRET] }),
      ],
    });
    try {
      expectTypeOf(crm.webhookChannel).toEqualTypeOf<WebhookChannel>();
      expectTypeOf(crm.wechatChannel).toEqualTypeOf<WebhookChannel>();
      expect(crm.webhookChannel.id).toBe('webhook');
      expect(crm.wechatChannel.id).toBe('wechat');
      expect(crm.contributions.of('channels').map((entry) => entry.value.id)).toEqual(['webhook', 'wechat']);
    } finally {
      await crm.close();
    }
  });

  it('two channels with one id fail createCrm', async () => {
    const error = await createCrm({
      storage: memoryStorage(),
      plugins: [
        webhook({ id: 'pos', url: 'https://a.example', secrets: [SECRET] }),
        webhook({ id: 'pos', url: 'https://b.example', secrets: [SECRET] }),
      ],
    }).catch((thrown: unknown) => thrown);
    expect(isRapportError(error)).toBe(true);
    expect((error as { code: string }).code).toMatch(/^PLUGIN_(DUPLICATE|CONTRIBUTION_CONFLICT)$/);
  });

  it('bad options fail createCrm naming each field', async () => {
    const error = await createCrm({
      storage: memoryStorage(),
      plugins: [webhook({ url: 'ftp://x.example', secrets: ['plain-secret'], allowTargets: ['10.0.0.0/33'], toleranceSeconds: 0 })],
    }).catch((thrown: unknown) => thrown);
    expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
    const paths = (error as { details: { issues: { path: string[] }[] } }).details.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['url', 'secrets.0', 'allowTargets.0', 'toleranceSeconds']));
  });
});

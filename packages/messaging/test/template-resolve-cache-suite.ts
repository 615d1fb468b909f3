import { type ConformanceContext, createTestCrm, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { messagingTemplates } from '../src/templates/templates-plugin.js';

const render = (crm: Awaited<ReturnType<typeof setUpOn>>, locale = 'en-GB') =>
  crm.templates.render({ template: 'welcome', channel: 'email', locale, variables: { name: 'Ada' } });
const setUpOn = (ctx: ConformanceContext, resolveCacheMs?: number, tenant?: string) =>
  createTestCrm({
    storage: ctx.storage(),
    plugins: [messagingTemplates(resolveCacheMs === undefined ? {} : { resolveCacheMs })],
    ...(tenant ? { tenant } : {}),
  });
const save = (crm: Awaited<ReturnType<typeof setUpOn>>, text: string, locale = 'en') =>
  crm.templates.save({ key: 'welcome', channel: 'email', locale, text });

/**
 * Renders reuse the version they resolved for `resolveCacheMs`: a save in the same Crm is seen
 * at once, a save by another Crm (another process) within that time, and `0` turns it off.
 */
export const templateResolveCacheSuite = defineStorageSuite({
  name: 'messaging-template-resolve-cache',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: template resolution cache`, () => {
      it('a save in the same Crm is rendered at once, for the asked locale and for its language fallback', async () => {
        const crm = await setUpOn(ctx);
        await save(crm, 'v1 {{ name }}');
        expect((await render(crm)).content.text).toBe('v1 Ada');
        await save(crm, 'v2 {{ name }}');
        expect((await render(crm)).content.text).toBe('v2 Ada');
        // A new, closer locale takes over from the language fallback at once too.
        await save(crm, 'GB {{ name }}', 'en-GB');
        expect((await render(crm)).content.text).toBe('GB Ada');
        expect((await render(crm, 'en-US')).content.text).toBe('v2 Ada');
      });

      it("another Crm's save is seen after resolveCacheMs, and at once with 0", async () => {
        const tenant = `cache-${Math.random().toString(36).slice(2)}`;
        const writer = await setUpOn(ctx, undefined, tenant);
        const cached = await setUpOn(ctx, 300, tenant);
        const uncached = await setUpOn(ctx, 0, tenant);
        await save(writer, 'v1 {{ name }}');
        expect((await render(cached)).content.text).toBe('v1 Ada');
        expect((await render(uncached)).content.text).toBe('v1 Ada');
        await save(writer, 'v2 {{ name }}');
        expect((await render(uncached)).content.text).toBe('v2 Ada');
        const stale = await render(cached);
        expect(stale.content.text).toBe('v1 Ada');
        expect(stale.version).toBe(1); // the message records the version it really used
        await new Promise((resolve) => setTimeout(resolve, 400));
        const fresh = await render(cached);
        expect([fresh.content.text, fresh.version]).toEqual(['v2 Ada', 2]);
      });

      it('a render answered from the cache still checks its variables', async () => {
        const crm = await setUpOn(ctx);
        await save(crm, 'v1 {{ name }}');
        expect((await render(crm)).content.text).toBe('v1 Ada');
        for (let round = 0; round < 2; round++)
          await expect(
            crm.templates.render({ template: 'welcome', channel: 'email', locale: 'en-GB', variables: {} }),
          ).rejects.toMatchObject({ code: 'MESSAGING_TEMPLATE_VARIABLE_MISSING', details: { variable: 'name' } });
      });
    }),
});

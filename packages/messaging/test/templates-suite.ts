import { isRapportError, type RapportError } from '@rapport/core';
import { type ConformanceContext, createTestCrm, defineStorageSuite } from '@rapport/testkit';
import * as fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SmsMeasure } from '../src/templates/sms-measure.js';
import { TemplateSyntaxError } from '../src/templates/template-errors.js';
import { messagingTemplates } from '../src/templates/templates-plugin.js';

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error as RapportError,
  );

/** HTML escaping as the html part must apply it, written out independently of liquidjs. */
const escapeHtml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** Versioned Liquid templates on one storage. */
export const templatesSuite = defineStorageSuite({
  name: 'messaging-templates',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: templates`, () => {
      const setUp = (options: Parameters<typeof messagingTemplates>[0] = {}) =>
        createTestCrm({ storage: ctx.storage(), plugins: [messagingTemplates(options)] });

      it('saves versions n+1 without editing, reads the latest or a given version, and lists the latest of each', async () => {
        const crm = await setUp();
        const first = await crm.templates.save({
          key: 'order-shipped',
          channel: 'email',
          locale: 'en',
          subject: 'Shipped',
          html: '<p>v1 {{ name }}</p>',
        });
        const second = await crm.templates.save({
          key: 'order-shipped',
          channel: 'email',
          locale: 'en',
          subject: 'Shipped!',
          html: '<p>v2 {{ name }}</p>',
        });
        await crm.templates.save({ key: 'order-shipped', channel: 'sms', locale: 'en', text: 'Shipped, {{ name }}' });
        expect([first.version, second.version]).toEqual([1, 2]);
        expect((await crm.templates.get('order-shipped', { channel: 'email', locale: 'en' })).html).toBe('<p>v2 {{ name }}</p>');
        expect((await crm.templates.get('order-shipped', { channel: 'email', locale: 'en', version: 1 })).html).toBe(
          '<p>v1 {{ name }}</p>',
        );
        expect(
          (await crm.templates.versions('order-shipped', { channel: 'email', locale: 'en' })).map((v) => [v.version, v.subject]),
        ).toEqual([
          [1, 'Shipped'],
          [2, 'Shipped!'],
        ]);
        const listed = await crm.templates.list({ key: 'order-shipped' });
        expect(listed.map((v) => [v.channel, v.version])).toEqual([
          ['email', 2],
          ['sms', 1],
        ]);
        const rendered = await crm.templates.render({
          template: 'order-shipped',
          channel: 'email',
          locale: 'en',
          variables: { name: 'Ada' },
        });
        expectTypeOf(rendered.version).toEqualTypeOf<number>();
        expectTypeOf(rendered.sms).toEqualTypeOf<SmsMeasure | undefined>();
        expect(rendered).toMatchObject({
          template: 'order-shipped',
          version: 2,
          locale: 'en',
          content: { subject: 'Shipped!', html: '<p>v2 Ada</p>' },
        });
        const missing = await caught(crm.templates.get('order-shipped', { channel: 'email', locale: 'en', version: 3 }));
        expect(isRapportError(missing, 'MESSAGING_TEMPLATE_NOT_FOUND')).toBe(true);
        await crm.close();
      });

      it('gives concurrent saves of one template distinct versions 1..n, none lost (10 rounds of 5)', async () => {
        const crm = await setUp();
        for (let round = 0; round < 10; round++) {
          await Promise.all(
            Array.from({ length: 5 }, (_, n) =>
              crm.templates.save({ key: 'race', channel: 'sms', locale: 'en', text: `round ${round} writer ${n}` }),
            ),
          );
        }
        const versions = await crm.templates.versions('race', { channel: 'sms', locale: 'en' });
        expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(new Set(versions.map((v) => v.text)).size).toBe(50);
        await crm.close();
      });

      it('falls back from the exact locale to its language, then to the template default locale', async () => {
        const crm = await setUp();
        const save = (locale: string, text: string, defaultLocale?: string) =>
          crm.templates.save({ key: 'welcome', channel: 'sms', locale, text, ...(defaultLocale ? { defaultLocale } : {}) });
        await save('en', 'Welcome');
        await save('pt', 'Bem-vindo');
        await save('pt-br', 'Bem-vindo, Brasil'); // canonicalised to pt-BR
        const localeOf = async (locale?: string) => {
          const { locale: used, content } = await crm.templates.render({ template: 'welcome', channel: 'sms', locale, variables: {} });
          return [used, content.text];
        };
        expect(await localeOf('pt-BR')).toEqual(['pt-BR', 'Bem-vindo, Brasil']);
        expect(await localeOf('pt-PT')).toEqual(['pt', 'Bem-vindo']);
        expect(await localeOf('fr-CA')).toEqual(['en', 'Welcome']); // the first locale saved is the default
        expect(await localeOf(undefined)).toEqual(['en', 'Welcome']);
        await save('de', 'Willkommen', 'de');
        expect(await localeOf('fr')).toEqual(['de', 'Willkommen']);
        await crm.close();
      });

      it('escapes every string variable in html and leaves it raw in text and subject, `| raw` opting out', async () => {
        const crm = await setUp();
        await crm.templates.save({
          key: 'escape',
          channel: 'email',
          locale: 'en',
          subject: 'Hi {{ value }}',
          text: '[{{ value }}]',
          html: '<p>{{ value }}</p><div>{{ value | raw }}</div>',
        });
        const runs = ctx.name === 'memory' ? 200 : 25;
        await fc.assert(
          fc.asyncProperty(
            fc.string({ unit: 'binary' }).filter((value) => !value.includes('\u0000')),
            async (value) => {
              const { content } = await crm.templates.preview('escape', { value }, { channel: 'email' });
              expect(content.html).toBe(`<p>${escapeHtml(value)}</p><div>${value}</div>`);
              expect(content.text).toBe(`[${value}]`);
              expect(content.subject).toBe(`Hi ${value}`);
            },
          ),
          { numRuns: runs },
        );
        await crm.close();
      });

      it('reports GSM-7 or UCS-2 and the segments of an SMS, Chinese as UCS-2, and refuses more than maxSegments', async () => {
        const crm = await setUp();
        await crm.templates.save({ key: 'otp', channel: 'sms', locale: 'en', text: '{{ body }}', maxSegments: 2 });
        const sms = async (body: string) => (await crm.templates.preview('otp', { body }, { channel: 'sms' })).sms;
        expect(await sms('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, characters: 160 });
        expect(await sms('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, characters: 161 });
        expect(await sms('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, characters: 160 }); // € is an escape: two
        expect(await sms('您好'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1, characters: 70 });
        expect(await sms(`${'您好'.repeat(35)}!`)).toEqual({ encoding: 'UCS-2', segments: 2, characters: 71 });
        expect(await sms(`${'a'.repeat(100)}您`)).toMatchObject({ encoding: 'UCS-2', segments: 2 }); // one Chinese character makes all UCS-2
        const long = await crm.templates.preview('otp', { body: '您'.repeat(135) }, { channel: 'sms' });
        expect(long).toMatchObject({ sms: { encoding: 'UCS-2', segments: 3 }, maxSegments: 2, withinLimit: false });
        const error = await caught(crm.templates.render({ template: 'otp', channel: 'sms', variables: { body: '您'.repeat(135) } }));
        expect(isRapportError(error, 'MESSAGING_SMS_TOO_LONG')).toBe(true);
        expect(error.details).toEqual({ template: 'otp', version: 1, encoding: 'UCS-2', segments: 3, maxSegments: 2 });
        expect((await crm.templates.render({ template: 'otp', channel: 'sms', variables: { body: '您'.repeat(134) } })).sms?.segments).toBe(
          2,
        );
        await crm.close();
      });

      it('fails a render whose variable is missing, naming the variable and the template; default and if may test for one', async () => {
        const crm = await setUp();
        await crm.templates.save({
          key: 'hello',
          channel: 'email',
          locale: 'en',
          subject: 'Hi',
          html: '<p>\nDear {{ customer.traits.name }}</p>',
        });
        const error = await caught(crm.templates.render({ template: 'hello', channel: 'email', variables: { customer: { traits: {} } } }));
        expect(isRapportError(error, 'MESSAGING_TEMPLATE_VARIABLE_MISSING')).toBe(true);
        expect(error.details).toMatchObject({
          template: 'hello',
          version: 1,
          locale: 'en',
          part: 'html',
          variable: 'customer.traits.name',
          line: 2,
        });
        expect(error.message).toContain('customer.traits.name');
        await crm.templates.save({
          key: 'hello',
          channel: 'email',
          locale: 'en',
          html: '{% if coupon %}{{ coupon }}{% endif %}Dear {{ name | default: "friend" }}',
        });
        expect((await crm.templates.render({ template: 'hello', channel: 'email', variables: {} })).content.html).toBe('Dear friend');
        await crm.close();
      });

      it('refuses a template with a syntax error or an unknown filter at save, naming the part, line and column, and stores nothing', async () => {
        const crm = await setUp();
        const error = await caught(
          crm.templates.save({
            key: 'broken',
            channel: 'email',
            locale: 'en',
            subject: 'ok',
            html: '<p>Hi</p>\n<p>\n  {% if vip %}Gold\n</p>',
          }),
        );
        expect(error).toBeInstanceOf(TemplateSyntaxError);
        expect(isRapportError(error, 'MESSAGING_TEMPLATE_INVALID')).toBe(true);
        expect((error as TemplateSyntaxError).line).toBe(3);
        expect((error as TemplateSyntaxError).issues[0]?.path).toEqual(['html']);
        expect((error as TemplateSyntaxError).issues[0]?.message).toMatch(/^line 3, column 3: .*if/);
        const filter = await caught(
          crm.templates.save({ key: 'broken', channel: 'sms', locale: 'en', text: 'one\ntwo {{ name | shout }}' }),
        );
        expect((filter as TemplateSyntaxError).issues[0]?.message).toMatch(/^line 2, column 5: undefined filter: shout/);
        const data = await caught(
          crm.templates.save({ key: 'broken', channel: 'webhook', locale: 'en', data: { order: { title: '{{ x ' } } }),
        );
        expect((data as TemplateSyntaxError).issues[0]?.path).toEqual(['data', 'order', 'title']);
        const bad = await caught(crm.templates.save({ key: 'Bad Key', channel: 'email', locale: 'xx-!!' }));
        expect(isRapportError(bad, 'MESSAGING_TEMPLATE_INVALID')).toBe(true);
        expect((bad as TemplateSyntaxError).issues.map((issue) => issue.path.join('.')).sort()).toEqual(['key', 'locale']);
        const empty = await caught(crm.templates.save({ key: 'empty', channel: 'email', locale: 'en' }));
        expect((empty as TemplateSyntaxError).issues).toEqual([
          { path: ['text'], message: 'give at least one of subject, text, html or data' },
        ]);
        expect(await crm.templates.list()).toEqual([]);
        await crm.close();
      });

      it('loops over recommendations with limit: 3, renders data leaves, and stops a runaway template', async () => {
        const crm = await setUp({ limits: { renderLimit: 200, memoryLimit: 1_000_000 } });
        await crm.templates.save({
          key: 'picks',
          channel: 'webhook',
          locale: 'en',
          text: '{% for item in recommendations limit: 3 %}{{ item.title }};{% endfor %}',
          data: { count: 3, first: '{{ recommendations[0].title }}', tags: ['{{ name }}', true] },
        });
        const recommendations = ['Tea', 'Cake', 'Jam', 'Scones'].map((title) => ({ title }));
        const { content } = await crm.templates.render({
          template: 'picks',
          channel: 'webhook',
          variables: { recommendations, name: 'Ada' },
        });
        expect(content).toEqual({ text: 'Tea;Cake;Jam;', data: { count: 3, first: 'Tea', tags: ['Ada', true] } });
        await crm.templates.save({
          key: 'runaway',
          channel: 'sms',
          locale: 'en',
          text: '{% for i in (1..100000000) %}{{ i }}{% endfor %}',
        });
        const error = await caught(crm.templates.render({ template: 'runaway', channel: 'sms', variables: {} }));
        expect(isRapportError(error, 'MESSAGING_TEMPLATE_RENDER_FAILED')).toBe(true);
        expect(error.details).toMatchObject({ template: 'runaway', part: 'text' });
        await crm.close();
      });

      it("keeps each tenant's templates apart, and refuses bad options at createCrm", async () => {
        const crm = await setUp();
        await crm.templates.save({ key: 'mine', channel: 'sms', locale: 'en', text: 'A' });
        const other = crm.forTenant(`${crm.tenantId}-b`);
        expect(await other.templates.list()).toEqual([]);
        await other.templates.save({ key: 'mine', channel: 'sms', locale: 'en', text: 'B' });
        expect((await crm.templates.render({ template: 'mine', channel: 'sms', variables: {} })).content.text).toBe('A');
        expect((await other.templates.render({ template: 'mine', channel: 'sms', variables: {} })).content.text).toBe('B');
        await crm.close();
        const error = await caught(setUp({ cacheSize: 0 }));
        expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS')).toBe(true);
        expect(error.message).toMatch(/cacheSize/);
      });
    }),
});

import { messaging, messagingTemplates } from '@rapport/messaging';
import { type ConformanceContext, createTestCrm, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { channelsPlugin, RecordingChannel } from '../../../messaging/test/recording-channel.js';
import { recommend, recommendationsForTemplate } from '../../src/index.js';
import { buy, SHOP } from './recommend-fixtures.js';

/** The recommend plugin beside the messaging hub: every template can read `recommendations`. */
export const recommendTemplatesSuite = defineStorageSuite({
  name: '@rapport/recommend templates',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: recommendations in message templates`, () => {
      it('renders a customer’s recommendations in any template without the sender passing them, consent holding', async () => {
        const email = new RecordingChannel('email', ['email']);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          plugins: [channelsPlugin(email), messagingTemplates(), messaging({ channels: ['email'] }), recommend({ refreshMs: 0 })],
        });
        await crm.recommendations.upsertItems(SHOP);
        const people: Record<string, string> = {};
        for (const [name, items] of [
          ['ann', ['teapot']],
          ['bob', ['teapot', 'cups', 'tea']],
          ['cat', ['teapot', 'tea']],
          ['dan', ['spade', 'gloves']],
          ['fay', ['spade']],
        ] as const) {
          const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: `${name}@example.com` }] });
          people[name] = customer.id;
          await crm.consent.grant({ customerId: customer.id, purpose: 'personalisation', source: 'test' });
          await buy(crm as never, customer.id, [...items], name);
        }
        await crm.consent.withdraw({ customerId: people.fay as string, purpose: 'personalisation', source: 'test' });
        await crm.recommendations.trainNow();
        await crm.templates.save({
          key: 'picks',
          channel: 'email',
          locale: 'en',
          subject: 'For you',
          text: '{% for item in recommendations limit: 3 %}{{ item.title }};{% endfor %}',
        });
        const send = (customerId: string, variables: Record<string, unknown> = {}) =>
          crm.messages.send({ customerId, purpose: 'transactional', channel: 'email', template: { key: 'picks', variables } });
        const toAnn = await send(people.ann as string);
        const toFay = await send(people.fay as string);
        const own = await send(people.ann as string, { recommendations: [{ title: 'Chosen by the sender' }] });
        await crm.workers().drain();
        const text = (id: string) => email.calls.find((call) => call.idempotencyKey === id)?.message.text;
        const titles = async (customerId: string) =>
          (await recommendationsForTemplate(crm, customerId, 3)).map((item) => `${item.title};`).join('');
        // Ann bought a teapot: what tea buyers bought with it comes first.
        expect(text(toAnn.messageId)).toBe(await titles(people.ann as string));
        expect(text(toAnn.messageId)).toMatch(/^(Cups|Green tea);(Cups|Green tea);/);
        // Fay withdrew personalisation: popular items, not what garden buyers bought with her spade.
        expect((await crm.recommendations.forCustomer(people.fay as string, { k: 3 })).personalised).toBe(false);
        expect(text(toFay.messageId)).toBe(await titles(people.fay as string));
        expect(text(toFay.messageId)).toMatch(/^Teapot;/);
        expect(text(own.messageId)).toBe('Chosen by the sender;');
        await crm.close();
      });
    }),
});

import { definePlugin } from '@rapport/core/plugin';
import { type ConformanceContext, createTestCrm, defineStorageSuite } from '@rapport/testkit';
import { describe, expect, it } from 'vitest';
import { conversations, messaging, messagingTemplates } from '../src/index.js';
import { channelsPlugin, RecordingChannel } from './recording-channel.js';

/**
 * The hub with its partners installed: `crm.templates` renders for it, `crm.conversations`
 * threads its replies, and `crm.privacy`'s suppression list blocks even transactional sends.
 */
export const hubIntegrationSuite = defineStorageSuite({
  name: 'messaging-integration',
  define: (ctx: ConformanceContext) =>
    describe(`${ctx.name}: the messaging hub with templates, conversations and privacy`, () => {
      const setUp = async () => {
        const email = new RecordingChannel('email', ['email']);
        const sms = new RecordingChannel('sms', ['phone']);
        const crm = await createTestCrm({
          storage: ctx.storage(),
          plugins: [
            channelsPlugin(email, sms),
            messagingTemplates(),
            conversations({ replyTokenSecret: 'a-reply-token-secret-of-at-least-32-chars' }),
            messaging({ channels: ['email', 'sms'] }),
          ],
        });
        return { crm, email, sms };
      };
      const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

      it('renders a stored template through crm.templates when no renderer is passed, and records the version used', async () => {
        const { crm, email } = await setUp();
        const key = `welcome-${unique()}`;
        await crm.templates.save({ key, channel: 'email', locale: 'en', subject: 'Hi {{ firstName }}', html: '<p>{{ note }}</p>' });
        const second = await crm.templates.save({
          key,
          channel: 'email',
          locale: 'en',
          subject: 'Hello {{ firstName }}',
          html: '<p>{{ note }}</p>',
        });
        const { customer } = await crm.customers.upsert({
          identities: [{ type: 'email', value: `t-${unique()}@example.com` }],
          traits: { firstName: 'Ada', locale: 'en' },
        });
        const { messageId } = await crm.messages.send({
          customerId: customer.id,
          purpose: 'transactional',
          channel: 'email',
          template: { key, variables: { note: '<b>5 & 6</b>' } },
        });
        await crm.workers().drain();
        const call = email.calls.find((entry) => entry.idempotencyKey === messageId);
        expect(call?.message).toMatchObject({ subject: 'Hello Ada', html: '<p>&lt;b&gt;5 &amp; 6&lt;/b&gt;</p>' });
        expect(await crm.messages.get(messageId)).toMatchObject({ status: 'sent', templateVersion: second.version });
        await crm.close();
      });

      it('a reply sent in a conversation carries its thread and joins it, on another channel than the one it started on', async () => {
        const { crm, email } = await setUp();
        const { customer } = await crm.customers.upsert({
          identities: [
            { type: 'email', value: `c-${unique()}@example.com` },
            { type: 'phone', value: `+4474001${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}` },
          ],
        });
        // The conversation opened by an SMS (recorded the way the hub records one).
        const opened = await crm.conversations.recordOutboundNow({
          messageId: `sms-${unique()}`,
          customerId: customer.id,
          channel: 'sms',
          text: 'Where is my order?',
        });
        const { messageId } = await crm.messages.send({
          customerId: customer.id,
          purpose: 'transactional',
          channel: 'email',
          content: { subject: 'Your order', text: 'It ships today.' },
          conversationId: opened.conversationId,
        });
        await crm.workers().drain();
        const call = email.calls.find((entry) => entry.idempotencyKey === messageId);
        // The reply token lets a reply on any channel find the thread again.
        expect(call?.message.threading?.conversationId).toEqual(expect.any(String));
        expect(call?.message.threading?.conversationId).not.toBe(opened.conversationId);
        const thread = await crm.conversations.get(opened.conversationId);
        expect(thread.messages.map((message) => message.channel)).toEqual(['sms', 'email']);
        expect(thread.messages.at(-1)).toMatchObject({ direction: 'outbound', text: 'It ships today.' });
        // Dispatch run again (a worker retried after the send) joins nothing twice.
        await crm.workers().drain();
        expect((await crm.conversations.get(opened.conversationId)).messages).toHaveLength(2);
        await crm.close();
      });

      it("blocks a transactional send to an erased person's address (suppression), while others still go", async () => {
        const { crm, email } = await setUp();
        const address = `gone-${unique()}@example.com`;
        const { customer: erased } = await crm.customers.upsert({ identities: [{ type: 'email', value: address }] });
        await crm.privacy.erase(erased.id, { mode: 'delete' });
        // The address reaches another record (an identity added by hand to a customer known by phone);
        // the hub still refuses to write to it, even for a transactional message.
        const { customer: other } = await crm.customers.upsert({
          identities: [{ type: 'phone', value: `+4474002${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}` }],
        });
        await crm.customers.addIdentity(other.id, { type: 'email', value: address });
        const receipt = { purpose: 'transactional', content: { text: 'Receipt' } } as const;
        const toErased = await crm.messages.send({ customerId: other.id, channel: 'email', ...receipt });
        const bySms = await crm.messages.send({ customerId: other.id, channel: 'sms', ...receipt });
        await crm.workers().drain();
        expect(email.calls.filter((entry) => entry.idempotencyKey === toErased.messageId)).toEqual([]);
        expect(await crm.messages.get(toErased.messageId)).toMatchObject({
          status: 'blocked',
          reason: expect.stringContaining('suppression'),
        });
        expect(await crm.messages.get(bySms.messageId)).toMatchObject({ status: 'sent' });
        await crm.close();
      });

      it("gives templates the variables plugins contribute, computed only for templates that read them, the sender's own winning", async () => {
        const email = new RecordingChannel('email', ['email']);
        const reads: { customerId: string; channel: string; template: string }[] = [];
        const greeter = definePlugin({
          name: 'test-greeter',
          contributes: {
            templateVariables: [
              {
                name: 'greeting',
                read: async ({ customerId, channel, template }) => {
                  reads.push({ customerId, channel, template });
                  return { words: `hello ${customerId}` };
                },
              },
            ],
          },
        });
        const crm = await createTestCrm({
          storage: ctx.storage(),
          plugins: [channelsPlugin(email), messagingTemplates(), messaging({ channels: ['email'] }), greeter],
        });
        const tag = unique();
        await crm.templates.save({ key: `uses-${tag}`, channel: 'email', locale: 'en', subject: 'Hi', text: '{{ greeting.words }}!' });
        await crm.templates.save({
          key: `data-${tag}`,
          channel: 'email',
          locale: 'en',
          subject: 'Hi',
          data: { line: '{{ greeting.words }}' },
        });
        await crm.templates.save({ key: `plain-${tag}`, channel: 'email', locale: 'en', subject: 'Hi', text: 'plain {{ firstName }}' });
        const { customer } = await crm.customers.upsert({
          identities: [{ type: 'email', value: `g-${tag}@example.com` }],
          traits: { firstName: 'Ada' },
        });
        const send = (key: string, variables: Record<string, unknown> = {}) =>
          crm.messages.send({ customerId: customer.id, purpose: 'transactional', channel: 'email', template: { key, variables } });
        const uses = await send(`uses-${tag}`);
        const data = await send(`data-${tag}`);
        const plain = await send(`plain-${tag}`);
        const own = await send(`uses-${tag}`, { greeting: { words: 'my own' } });
        await crm.workers().drain();
        const sent = (id: string) => email.calls.find((call) => call.idempotencyKey === id)?.message;
        expect(sent(uses.messageId)).toMatchObject({ text: `hello ${customer.id}!` });
        expect(sent(data.messageId)).toMatchObject({ data: { line: `hello ${customer.id}` } });
        expect(sent(plain.messageId)).toMatchObject({ text: 'plain Ada' });
        expect(sent(own.messageId)).toMatchObject({ text: 'my own!' });
        // Read for the two templates that use it, and for nothing else (workers may take them in either order).
        expect(reads.sort((a, b) => a.template.localeCompare(b.template))).toEqual([
          { customerId: customer.id, channel: 'email', template: `data-${tag}` },
          { customerId: customer.id, channel: 'email', template: `uses-${tag}` },
        ]);
        await crm.close();
      });

      it('refuses two plugins contributing one template variable, naming both, rather than let plugin order pick one', async () => {
        const offering = (name: string) =>
          definePlugin({ name, contributes: { templateVariables: [{ name: 'greeting', read: async () => name }] } });
        const error = await createTestCrm({
          storage: ctx.storage(),
          plugins: [messagingTemplates(), messaging({ channels: [] }), offering('test-greeter-a'), offering('test-greeter-b')],
        }).catch((caught: unknown) => caught);
        expect(error).toMatchObject({
          code: 'PLUGIN_CONTRIBUTION_CONFLICT',
          message: '[test-greeter-b] contributes templateVariables "greeting", which "test-greeter-a" already contributes',
        });
      });
    }),
});

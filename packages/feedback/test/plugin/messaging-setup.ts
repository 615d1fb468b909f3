import { randomUUID } from 'node:crypto';
import { webhook } from '@rapport/channel-webhook';
import type { Storage } from '@rapport/core';
import { conversations, type MessagingOptions, messaging, messagingTemplates } from '@rapport/messaging';
import { createTestCrm, FakeClock, TEST_EPOCH } from '@rapport/testkit';
import { FEEDBACK_EVENTS, type FeedbackOptions, feedback } from '../../src/index.js';
import type { HttpSink } from './http-sink.js';
import { csatSurvey, npsSurvey, SECRET } from './setup.js';

const WEBHOOK_SECRET = `whsec_${Buffer.from('a-webhook-secret-of-32-bytes-long!').toString('base64')}`;
export const LINK_URL = 'https://shop.example/survey/{token}';

/**
 * A Crm with the messaging hub, its templates and conversations, a webhook channel `chat`
 * posting to a real local HTTP server, and feedback sending through the hub.
 */
export async function hubFeedbackCrm(
  storage: Storage,
  sink: HttpSink,
  options: { feedback?: Partial<FeedbackOptions>; messaging?: MessagingOptions } = {},
) {
  const crm = await createTestCrm({
    storage,
    ids: { next: () => randomUUID() },
    clock: new FakeClock(TEST_EPOCH),
    plugins: [
      webhook({ id: 'chat', url: sink.url, secrets: [WEBHOOK_SECRET], allowTargets: ['127.0.0.1'] }),
      messagingTemplates(),
      conversations({ replyTokenSecret: 'a-reply-token-secret-of-at-least-32-chars' }),
      messaging({ purposes: ['marketing', 'transactional', 'feedback'], ...options.messaging }),
      feedback({
        links: { secret: SECRET },
        consentPurpose: 'feedback',
        messages: { linkUrl: LINK_URL, surveyTemplates: { nps: 'survey-nps', csat: { chat: 'survey-csat' } } },
        ...options.feedback,
      }),
    ],
    record: FEEDBACK_EVENTS,
  });
  const recordedOf = crm.recordedOf.bind(crm);
  Object.assign(crm, {
    recordedOf: (name: Parameters<typeof recordedOf>[0]) =>
      recordedOf(name).filter((payload) => (payload as { tenantId?: string }).tenantId === crm.tenantId),
  });
  await crm.feedback.surveys.define(npsSurvey);
  await crm.feedback.surveys.define(csatSurvey);
  await crm.templates.save({ key: 'survey-nps', channel: 'chat', locale: 'en', text: 'Would you recommend us? Tell us: {{ link }}' });
  await crm.templates.save({ key: 'survey-csat', channel: 'chat', locale: 'en', text: 'How did we do on {{ ticketId }}? {{ link }}' });
  return crm;
}

export type HubFeedbackCrm = Awaited<ReturnType<typeof hubFeedbackCrm>>;

/** A customer the `chat` channel reaches (an external id), optionally consenting to feedback messages on it. */
export async function chatter(crm: HubFeedbackCrm, consent: boolean) {
  const handle = `u-${randomUUID()}`;
  const { customer } = await crm.customers.upsert({
    identities: [{ type: 'external', namespace: 'chat', value: handle }],
    traits: { locale: 'en' },
  });
  if (consent) await crm.consent.grant({ customerId: customer.id, purpose: 'feedback', channel: 'chat', source: 'signup' });
  return { customer, handle };
}

/** The token in a posted survey link. */
export function tokenIn(text: string | undefined): string {
  const match = /https:\/\/shop\.example\/survey\/(\S+)/.exec(text ?? '');
  if (!match?.[1]) throw new Error(`no survey link in ${JSON.stringify(text)}`);
  return decodeURIComponent(match[1]);
}

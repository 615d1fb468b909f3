import { type ChannelHarness, runChannelConformance } from '@rapport/testkit';
import * as fc from 'fast-check';
import { SmsChannel } from '../src/sms-channel.js';
import { startFakeSmsProvider } from './fake-sms-provider.js';
import { genericCallback, genericOptions, PHONES, smsText, twilioCallback, twilioOptions } from './sms-fixtures.js';

const closedUrl = 'http://127.0.0.1:9'; // the discard port: nothing listens on it here

async function harness(options: (url: string) => ReturnType<typeof twilioOptions>): Promise<ChannelHarness> {
  const fake = await startFakeSmsProvider();
  return {
    channel: new SmsChannel(options(fake.url)),
    behave: (behaviour) => {
      fake.behaviour = behaviour;
    },
    calls: () => fake.calls,
    close: () => fake.close(),
  };
}

const message = (id: string) => ({ id, to: { type: 'phone' as const, value: '+14155552671' }, text: 'Your order has shipped.' });
const phone = fc.constantFrom(...PHONES).map((value) => ({ type: 'phone' as const, value }));
const OPT_OUTS = ['STOP', 'stop', 'Unsubscribe', '退订', 'TD', 'ＳＴＯＰ'];
const json = (text: string) => ({
  method: 'POST',
  url: 'https://crm.example/hooks/sms',
  headers: { 'content-type': 'application/json', 'x-callback-secret': 'callback-secret-0123456789' },
  body: new TextEncoder().encode(text),
});

runChannelConformance('sms (Twilio-shaped)', () => harness((url) => twilioOptions(url)), {
  message,
  unreachable: () => new SmsChannel(twilioOptions(closedUrl)),
  inbound: {
    samples: fc.record({ from: phone, text: smsText, threading: fc.constant({}) }),
    encode: (sample) =>
      twilioCallback({ From: sample.from.value, To: '+14155550100', Body: sample.text, MessageSid: 'SM1', NumMedia: '0' }),
    optOutTexts: OPT_OUTS,
    malformed: [
      { label: 'a callback without From', request: twilioCallback({ Body: 'hi', MessageSid: 'SM1' }) },
      { label: 'a From that is not a phone number', request: twilioCallback({ From: 'not-a-number', Body: 'hi' }) },
      { label: 'a forged signature', request: twilioCallback({ From: '+14155552671', Body: 'hi' }, 'another-auth-token-xx') },
      { label: 'a JSON body', request: { ...twilioCallback({ From: '+14155552671' }), headers: { 'content-type': 'application/json' } } },
    ],
  },
  receipts: {
    samples: fc.record({
      providerMessageId: fc.stringMatching(/^SM[0-9a-f]{32}$/),
      status: fc.constantFrom('delivered' as const, 'failed' as const),
    }),
    encode: (receipt) =>
      twilioCallback({
        MessageSid: receipt.providerMessageId,
        MessageStatus: receipt.status === 'delivered' ? 'delivered' : 'undelivered',
        ErrorCode: receipt.status === 'failed' ? '30003' : '',
      }),
    malformed: [
      { label: 'a receipt without MessageSid', request: twilioCallback({ MessageStatus: 'delivered' }) },
      { label: 'a receipt without MessageStatus', request: twilioCallback({ MessageSid: 'SM1' }) },
      {
        label: 'an unsigned receipt',
        request: {
          ...twilioCallback({ MessageSid: 'SM1', MessageStatus: 'delivered' }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        },
      },
    ],
  },
});

runChannelConformance('sms (generic JSON provider)', () => harness(genericOptions), {
  message,
  unreachable: () => new SmsChannel(genericOptions(closedUrl)),
  inbound: {
    samples: fc.record({ from: phone, text: smsText, threading: fc.constant({}) }),
    encode: (sample) =>
      genericCallback({ msisdn: sample.from.value, shortcode: '+14155550100', uuid: 'u1', content: { text: sample.text } }),
    optOutTexts: OPT_OUTS,
    malformed: [
      { label: 'a body that is not JSON', request: json('msisdn=+14155552671') },
      { label: 'a JSON array', request: json('[1,2]') },
      { label: 'a callback without the text field', request: genericCallback({ msisdn: '+14155552671' }) },
      {
        label: 'a wrong callback secret',
        request: genericCallback({ msisdn: '+14155552671', content: { text: 'hi' } }, 'wrong-secret-0123456789xx'),
      },
    ],
  },
  receipts: {
    samples: fc.record({
      providerMessageId: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
      status: fc.constantFrom('delivered' as const, 'failed' as const),
    }),
    encode: (receipt) =>
      genericCallback({ message: { id: receipt.providerMessageId }, state: receipt.status === 'delivered' ? 'DELIVRD' : 'UNDELIV' }),
    malformed: [
      { label: 'a receipt without the id', request: genericCallback({ state: 'DELIVRD' }) },
      { label: 'a receipt without the state', request: genericCallback({ message: { id: 'x' } }) },
    ],
  },
});

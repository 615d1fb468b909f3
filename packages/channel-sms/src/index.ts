export { type HttpSendRequest, httpSend, type ReadProviderId } from './http-send.js';
export { DEFAULT_OPT_OUT_KEYWORDS, isOptOut } from './opt-out.js';
export {
  type GenericProviderOptions,
  GenericProviderSchema,
  type ResolvedSmsOptions,
  type SmsOptions,
  SmsOptionsSchema,
  type TwilioProviderOptions,
  TwilioProviderSchema,
} from './options.js';
export { SMS_CHANNEL, SMS_PLUGIN, sms } from './plugin.js';
export { GenericProvider } from './providers/generic-provider.js';
export type { ProviderInbound, ProviderReceipt, ProviderSend, SmsProvider } from './providers/sms-provider.js';
export { TWILIO_IDEMPOTENCY_HEADER, TwilioProvider } from './providers/twilio-provider.js';
export { twilioSignature, verifyTwilioSignature } from './providers/twilio-signature.js';
export { MAX_CALLBACK_BYTES, readCallback } from './request-body.js';
export { countSegments, type SmsSegments } from './segments.js';
export { SmsChannel } from './sms-channel.js';

import { SegmentedMessage } from 'sms-segments-calculator';

/** How an SMS text is encoded and split, as the network bills it. */
export interface SmsSegments {
  /** `GSM-7` (160 characters in one part, 153 per part after) or `UCS-2` (70, then 67) — Chinese text is UCS-2. */
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** How many parts the message is sent in. */
  readonly segments: number;
  /** Characters as the encoding counts them (a GSM-7 extension character such as `€` counts twice). */
  readonly characters: number;
}

/**
 * Counts the segments of an SMS text with Twilio's segment calculator
 * (`sms-segments-calculator`): one non-GSM character (a Chinese character, an emoji) makes
 * the whole message UCS-2.
 */
export function countSegments(text: string): SmsSegments {
  const message = new SegmentedMessage(text);
  return { encoding: message.encodingName, segments: message.segmentsCount, characters: message.numberOfCharacters };
}

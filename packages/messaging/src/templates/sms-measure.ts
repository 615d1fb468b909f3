import { SegmentedMessage } from 'sms-segments-calculator';

/** How an SMS text is encoded and split into billable parts. */
export interface SmsMeasure {
  /** `GSM-7` (160 characters in one part, 153 per part after) or `UCS-2` (70, then 67): one Chinese character or emoji makes the whole text UCS-2. */
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** How many segments the text is sent in. */
  readonly segments: number;
  /** Characters as the encoding counts them (a GSM-7 extension character such as `€` counts twice). */
  readonly characters: number;
}

/** Measures an SMS text with Twilio's segment calculator (`sms-segments-calculator`), as the network bills it. */
export function measureSms(text: string): SmsMeasure {
  const message = new SegmentedMessage(text);
  return { encoding: message.encodingName, segments: message.segmentsCount, characters: message.numberOfCharacters };
}

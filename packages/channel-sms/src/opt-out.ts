/**
 * The replies that withdraw SMS consent, as carriers and regulators list them: the CTIA
 * keywords, and 退订 / TD (China's "unsubscribe" and its usual abbreviation).
 */
export const DEFAULT_OPT_OUT_KEYWORDS: readonly string[] = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  '退订',
  'TD',
];

/**
 * True when the whole message is an opt-out keyword, ignoring case, width (full-width
 * `ＳＴＯＰ`), surrounding space and trailing punctuation. A keyword inside a sentence ("can I
 * stop by?") is not an opt-out.
 */
export function isOptOut(text: string, keywords: readonly string[] = DEFAULT_OPT_OUT_KEYWORDS): boolean {
  const normalised = text
    .normalize('NFKC')
    .trim()
    .replace(/[\s.!。！]+$/u, '')
    .toUpperCase();
  return keywords.some((keyword) => keyword.normalize('NFKC').toUpperCase() === normalised);
}

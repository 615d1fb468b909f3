import { z } from 'zod';

/**
 * A text in one or more locales, keyed by BCP 47 tag (`en`, `fr-CA`). A plain string is the
 * text in the survey's default locale.
 */
export type LocalizedText = string | Readonly<Record<string, string>>;

/** The zod schema of a {@link LocalizedText}: a non-empty string, or a non-empty map of locale → non-empty string. */
export const LocalizedTextSchema = z.union([
  z.string().min(1),
  z
    .record(z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag'), z.string().min(1))
    .refine((texts) => Object.keys(texts).length > 0, 'at least one locale'),
]);

/**
 * The text for `locale`: the exact tag, then its language (`fr` for `fr-CA`), then
 * `defaultLocale`, then any text there is — a respondent always sees something.
 */
export function localize(text: LocalizedText, locale: string, defaultLocale: string): string {
  if (typeof text === 'string') return text;
  const language = locale.split('-')[0] ?? locale;
  return text[locale] ?? text[language] ?? text[defaultLocale] ?? Object.values(text)[0] ?? '';
}

/** True when `text` has a version for `locale` (a plain string counts as the default locale's). */
export function hasLocale(text: LocalizedText, locale: string, defaultLocale: string): boolean {
  return typeof text === 'string' ? locale === defaultLocale : text[locale] !== undefined;
}

import { z } from 'zod';
import { LocalizedTextSchema } from './localized-text.js';

const questionId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "_" or "-", at most 64');

const base = {
  /** Stable id, unique in the survey; answers are keyed by it. */
  id: questionId,
  /** The question as shown to the respondent. */
  text: LocalizedTextSchema,
  /** Whether a response must answer it. */
  required: z.boolean().default(false),
};

const choice = z.object({ id: questionId, label: LocalizedTextSchema });

/** The zod schema of one survey question, discriminated by `kind`. */
export const QuestionSchema = z.discriminatedUnion('kind', [
  /** Net Promoter Score: "how likely are you to recommend …", 0–10. */
  z.object({ ...base, kind: z.literal('nps') }),
  /** Customer satisfaction on 1–5 (default) or 1–3. */
  z.object({ ...base, kind: z.literal('csat'), scale: z.union([z.literal(5), z.literal(3)]).default(5) }),
  /** Customer effort ("it was easy to …", agree) on 1–7 (default) or 1–5. */
  z.object({ ...base, kind: z.literal('ces'), scale: z.union([z.literal(7), z.literal(5)]).default(7) }),
  /** A free integer rating such as 1–5 stars. */
  z.object({ ...base, kind: z.literal('rating'), min: z.int().default(1), max: z.int() }),
  /** One choice out of several. */
  z.object({ ...base, kind: z.literal('single-choice'), choices: z.array(choice).min(2) }),
  /** Any number of choices, between `minSelected` and `maxSelected`. */
  z.object({
    ...base,
    kind: z.literal('multiple-choice'),
    choices: z.array(choice).min(2),
    minSelected: z.int().min(0).default(0),
    maxSelected: z.int().min(1).optional(),
  }),
  /** A free-text answer. */
  z.object({ ...base, kind: z.literal('text'), maxLength: z.int().min(1).max(100_000).default(5_000) }),
]);

/** The input form of a question (defaults may be left out). */
export type QuestionInput = z.input<typeof QuestionSchema>;

/** A parsed question: defaults filled in. */
export type Question = z.output<typeof QuestionSchema>;

/** The kinds of question a survey can ask. */
export type QuestionKind = Question['kind'];

/** The inclusive range of a score question (NPS, CSAT, CES, rating). */
export function scoreRange(question: Question): { min: number; max: number } | undefined {
  switch (question.kind) {
    case 'nps':
      return { min: 0, max: 10 };
    case 'csat':
    case 'ces':
      return { min: 1, max: question.scale };
    case 'rating':
      return { min: question.min, max: question.max };
    default:
      return undefined;
  }
}

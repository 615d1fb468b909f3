import { ValidationError, type ValidationIssue } from '@rapport/core';
import { parseInput } from '@rapport/core/plugin';
import { z } from 'zod';
import { FeedbackErrorCode } from '../error-codes.js';
import { hasLocale, type LocalizedText, LocalizedTextSchema } from './localized-text.js';
import { type Question, QuestionSchema } from './question.js';

/** The zod schema of a survey definition (before the cross-field checks of {@link defineSurvey}). */
export const SurveySchema = z.object({
  /** Stable id of the survey across its versions. */
  id: z.string().min(1).max(128),
  /** Version of this definition; an answer records the version it answered. */
  version: z.int().min(1).default(1),
  /** The locale every text must have; other locales fall back to it. */
  defaultLocale: z.string().min(2).default('en'),
  /** The survey's title. */
  title: LocalizedTextSchema,
  /** The questions, in the order asked. */
  questions: z.array(QuestionSchema).min(1).max(200),
});

/** The input form of a survey (defaults may be left out). */
export type SurveyInput = z.input<typeof SurveySchema>;

/** A checked survey definition: defaults filled in, ids unique, every text in the default locale. */
export type Survey = z.output<typeof SurveySchema>;

/**
 * Checks a survey definition and returns it with defaults filled in. Throws a
 * `ValidationError` (`FEEDBACK_INVALID_SURVEY`) naming every bad field: duplicate question
 * or choice ids, a text missing the default locale, a rating whose `min` is not below its
 * `max`, a multiple choice whose bounds cannot be met.
 */
export function defineSurvey(input: SurveyInput): Survey {
  const survey = parseInput(SurveySchema, input, [], FeedbackErrorCode.InvalidSurvey);
  const issues: ValidationIssue[] = [];
  const needLocale = (text: LocalizedText, path: (string | number)[]) => {
    if (!hasLocale(text, survey.defaultLocale, survey.defaultLocale)) {
      issues.push({ path, message: `has no text in the default locale "${survey.defaultLocale}"` });
    }
  };
  needLocale(survey.title, ['title']);
  const seen = new Set<string>();
  survey.questions.forEach((question, index) => {
    const at = ['questions', index];
    if (seen.has(question.id)) issues.push({ path: [...at, 'id'], message: `duplicate question id "${question.id}"` });
    seen.add(question.id);
    needLocale(question.text, [...at, 'text']);
    issues.push(...questionIssues(question, at, (text, path) => needLocale(text, path)));
  });
  if (issues.length > 0) throw new ValidationError(FeedbackErrorCode.InvalidSurvey, issues);
  return survey;
}

function questionIssues(
  question: Question,
  at: (string | number)[],
  needLocale: (text: LocalizedText, path: (string | number)[]) => void,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (question.kind === 'rating' && question.min >= question.max) {
    issues.push({ path: [...at, 'max'], message: `must be greater than min (${question.min})` });
  }
  if (question.kind === 'single-choice' || question.kind === 'multiple-choice') {
    const ids = new Set<string>();
    question.choices.forEach((choice, index) => {
      if (ids.has(choice.id)) issues.push({ path: [...at, 'choices', index, 'id'], message: `duplicate choice id "${choice.id}"` });
      ids.add(choice.id);
      needLocale(choice.label, [...at, 'choices', index, 'label']);
    });
  }
  if (question.kind === 'multiple-choice') {
    const max = question.maxSelected ?? question.choices.length;
    if (max > question.choices.length)
      issues.push({ path: [...at, 'maxSelected'], message: `exceeds the ${question.choices.length} choices` });
    if (question.minSelected > max) issues.push({ path: [...at, 'minSelected'], message: `exceeds maxSelected (${max})` });
  }
  return issues;
}

/**
 * The next version of `previous`: the same id, `version` one higher. Answers keep the version
 * they answered, so old responses still read against the questions they were asked.
 */
export function reviseSurvey(previous: Survey, next: Omit<SurveyInput, 'id' | 'version'>): Survey {
  return defineSurvey({ ...next, id: previous.id, version: previous.version + 1 });
}

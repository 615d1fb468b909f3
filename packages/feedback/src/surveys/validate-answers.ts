import { ValidationError, type ValidationIssue } from '@rapport/core';
import { FeedbackErrorCode } from '../error-codes.js';
import type { Survey } from './define-survey.js';
import { type Question, type QuestionKind, scoreRange } from './question.js';

/** What a respondent may give for one question: a score, a choice id, choice ids, or text. */
export type AnswerValue = number | string | readonly string[];

/** One checked answer. */
export interface Answer {
  /** The question answered. */
  questionId: string;
  /** The question's kind. */
  kind: QuestionKind;
  /** The value: a number for score kinds, a choice id, a list of choice ids, or trimmed text. */
  value: number | string | string[];
}

/** The headline scores of a response, one per score kind (the first question of that kind). */
export interface ResponseScores {
  /** The NPS answer, 0–10. */
  nps?: number;
  /** The CSAT answer with its scale. */
  csat?: { score: number; scale: 3 | 5 };
  /** The CES answer with its scale. */
  ces?: { score: number; scale: 5 | 7 };
}

/** A response checked against its survey, ready to store. */
export interface ValidatedResponse {
  /** The survey answered. */
  surveyId: string;
  /** The survey version answered. */
  surveyVersion: number;
  /** The answers given, in the survey's question order (unanswered optional questions left out). */
  answers: Answer[];
  /** The headline scores, for the interaction on the customer's timeline and for score series. */
  scores: ResponseScores;
}

/**
 * Checks `answers` (question id → value) against `survey`. Throws a `ValidationError`
 * (`FEEDBACK_INVALID_ANSWERS`) listing every problem, each at `['answers', questionId]`: a
 * score outside its scale or not an integer, an unknown question, an unknown choice, a
 * missing required answer, text too long. `null`, `undefined`, `''` and `[]` count as
 * unanswered.
 */
export function validateAnswers(survey: Survey, answers: Readonly<Record<string, unknown>>): ValidatedResponse {
  const issues: ValidationIssue[] = [];
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    throw new ValidationError(FeedbackErrorCode.InvalidAnswers, [
      { path: ['answers'], message: 'must be an object of question id → answer' },
    ]);
  }
  const byId = new Map(survey.questions.map((question) => [question.id, question]));
  for (const id of Object.keys(answers)) {
    if (!byId.has(id))
      issues.push({ path: ['answers', id], message: `is not a question of survey "${survey.id}" version ${survey.version}` });
  }
  const checked: Answer[] = [];
  const scores: ResponseScores = {};
  for (const question of survey.questions) {
    // Own keys only: a question id such as `constructor` must not read Object.prototype.
    const raw = Object.hasOwn(answers, question.id) ? answers[question.id] : undefined;
    const path = ['answers', question.id];
    if (isUnanswered(raw)) {
      if (question.required) issues.push({ path, message: 'is required' });
      continue;
    }
    const result = checkAnswer(question, raw);
    if (!result.ok) {
      issues.push({ path, message: result.message });
      continue;
    }
    checked.push({ questionId: question.id, kind: question.kind, value: result.value });
    if (typeof result.value === 'number') recordScore(scores, question, result.value);
  }
  if (issues.length > 0) throw new ValidationError(FeedbackErrorCode.InvalidAnswers, issues);
  return { surveyId: survey.id, surveyVersion: survey.version, answers: checked, scores };
}

function isUnanswered(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '') || (Array.isArray(raw) && raw.length === 0);
}

type Checked = { ok: true; value: Answer['value'] } | { ok: false; message: string };

const ok = (value: Answer['value']): Checked => ({ ok: true, value });
const bad = (message: string): Checked => ({ ok: false, message });

/** The checked value, or why it is wrong. */
function checkAnswer(question: Question, raw: unknown): Checked {
  const range = scoreRange(question);
  if (range) {
    if (typeof raw !== 'number' || !Number.isInteger(raw)) return bad(`must be a whole number from ${range.min} to ${range.max}`);
    if (raw < range.min || raw > range.max) return bad(`${raw} is outside the scale ${range.min}–${range.max}`);
    return ok(raw);
  }
  switch (question.kind) {
    case 'single-choice': {
      if (typeof raw !== 'string') return bad('must be one choice id');
      return question.choices.some((choice) => choice.id === raw) ? ok(raw) : bad(`"${raw}" is not one of its choices`);
    }
    case 'multiple-choice': {
      if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string')) return bad('must be a list of choice ids');
      const picked = raw as string[];
      const unknown = picked.find((id) => !question.choices.some((choice) => choice.id === id));
      if (unknown !== undefined) return bad(`"${unknown}" is not one of its choices`);
      if (new Set(picked).size !== picked.length) return bad('names a choice twice');
      const max = question.maxSelected ?? question.choices.length;
      if (picked.length < question.minSelected || picked.length > max)
        return bad(`must pick from ${question.minSelected} to ${max} choices`);
      return ok([...picked]);
    }
    case 'text': {
      if (typeof raw !== 'string') return bad('must be text');
      const text = raw.trim();
      return text.length > question.maxLength ? bad(`is longer than ${question.maxLength} characters`) : ok(text);
    }
    default:
      return bad('cannot be answered');
  }
}

function recordScore(scores: ResponseScores, question: Question, value: number): void {
  if (question.kind === 'nps') scores.nps ??= value;
  if (question.kind === 'csat') scores.csat ??= { score: value, scale: question.scale };
  if (question.kind === 'ces') scores.ces ??= { score: value, scale: question.scale };
}

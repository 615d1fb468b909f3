import { isRapportError, type ValidationError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { defineSurvey, FeedbackErrorCode, localize, reviseSurvey, validateAnswers } from '../src/index.js';

const survey = defineSurvey({
  id: 'post-purchase',
  version: 3,
  defaultLocale: 'en',
  title: { en: 'How did we do?', fr: 'Comment était-ce ?' },
  questions: [
    { id: 'nps', kind: 'nps', text: { en: 'How likely are you to recommend us?', fr: 'Nous recommanderiez-vous ?' }, required: true },
    { id: 'csat', kind: 'csat', text: 'How satisfied were you?' },
    { id: 'csat3', kind: 'csat', scale: 3, text: 'And the delivery?' },
    { id: 'ces', kind: 'ces', text: 'It was easy to buy' },
    { id: 'stars', kind: 'rating', min: 1, max: 5, text: 'Stars' },
    {
      id: 'store',
      kind: 'single-choice',
      text: 'Where?',
      choices: [
        { id: 'online', label: 'Online' },
        { id: 'shop', label: 'In a shop' },
      ],
    },
    {
      id: 'liked',
      kind: 'multiple-choice',
      text: 'What did you like?',
      maxSelected: 2,
      choices: [
        { id: 'price', label: 'Price' },
        { id: 'staff', label: 'Staff' },
        { id: 'speed', label: 'Speed' },
      ],
    },
    { id: 'comment', kind: 'text', text: 'Anything else?', maxLength: 10 },
  ],
});

function issuesOf(run: () => unknown): ValidationError['issues'] {
  try {
    run();
  } catch (error) {
    expect(isRapportError(error)).toBe(true);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('survey definitions', () => {
  it('fills in defaults: CSAT on 1–5, CES on 1–7, questions optional unless required', () => {
    const csat = survey.questions.find((q) => q.id === 'csat');
    const ces = survey.questions.find((q) => q.id === 'ces');
    expect(csat).toMatchObject({ kind: 'csat', scale: 5, required: false });
    expect(ces).toMatchObject({ kind: 'ces', scale: 7 });
    expect(survey.version).toBe(3);
  });

  it('names duplicate question and choice ids, missing default-locale texts, bad rating bounds', () => {
    const issues = issuesOf(() =>
      defineSurvey({
        id: 's',
        defaultLocale: 'de',
        title: { de: 'Titel' },
        questions: [
          { id: 'a', kind: 'nps', text: { en: 'no German' } },
          { id: 'a', kind: 'rating', min: 5, max: 5, text: { de: 'x' } },
          {
            id: 'c',
            kind: 'single-choice',
            text: { de: 'x' },
            choices: [
              { id: 'x', label: { de: 'x' } },
              { id: 'x', label: { de: 'y' } },
            ],
          },
        ],
      }),
    );
    expect(issues.map((issue) => issue.path.join('.'))).toEqual([
      'questions.0.text',
      'questions.1.id',
      'questions.1.max',
      'questions.2.choices.1.id',
    ]);
  });

  it('rejects an unknown question kind and a CSAT scale that does not exist, naming the field', () => {
    const issues = issuesOf(() => defineSurvey({ id: 's', title: 't', questions: [{ id: 'q', kind: 'csat', scale: 7 as 5, text: 't' }] }));
    expect(issues[0]?.path).toEqual(['questions', 0, 'scale']);
    expect(() => defineSurvey({ id: 's', title: 't', questions: [] })).toThrow(
      expect.objectContaining({ code: FeedbackErrorCode.InvalidSurvey }),
    );
  });

  it('a revision keeps the id and raises the version', () => {
    const next = reviseSurvey(survey, { title: 'New', questions: [{ id: 'nps', kind: 'nps', text: 'Recommend?' }] });
    expect(next).toMatchObject({ id: 'post-purchase', version: 4 });
  });

  it('localises with fallback: exact tag, then language, then default locale', () => {
    expect(localize(survey.title, 'fr-CA', 'en')).toBe('Comment était-ce ?');
    expect(localize(survey.title, 'de', 'en')).toBe('How did we do?');
    expect(localize('plain', 'fr', 'en')).toBe('plain');
  });
});

describe('answer validation', () => {
  it('accepts a full response, records the version and the headline scores', () => {
    const response = validateAnswers(survey, {
      nps: 9,
      csat: 4,
      csat3: 2,
      ces: 6,
      stars: 5,
      store: 'shop',
      liked: ['price', 'staff'],
      comment: '  great  ',
    });
    expect(response.surveyVersion).toBe(3);
    expect(response.scores).toEqual({ nps: 9, csat: { score: 4, scale: 5 }, ces: { score: 6, scale: 7 } });
    expect(response.answers.find((a) => a.questionId === 'comment')?.value).toBe('great');
    expect(response.answers).toHaveLength(8);
  });

  it('checks each scale at its bounds: NPS 0 and 10 in, −1 and 11 out; CSAT 1–3 rejects 4', () => {
    expect(validateAnswers(survey, { nps: 0 }).scores.nps).toBe(0);
    expect(validateAnswers(survey, { nps: 10 }).scores.nps).toBe(10);
    for (const bad of [-1, 11, 7.5, '9']) {
      const issues = issuesOf(() => validateAnswers(survey, { nps: bad }));
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toEqual(['answers', 'nps']);
    }
    const issues = issuesOf(() => validateAnswers(survey, { nps: 5, csat3: 4 }));
    expect(issues).toEqual([{ path: ['answers', 'csat3'], message: '4 is outside the scale 1–3' }]);
  });

  it('names every problem at once: unknown question, missing required answer, unknown choice, too many choices, long text', () => {
    const issues = issuesOf(() =>
      validateAnswers(survey, { bogus: 1, store: 'moon', liked: ['price', 'staff', 'speed'], comment: 'far too long text', ces: 0 }),
    );
    expect(issues.map((issue) => issue.path.join('.'))).toEqual([
      'answers.bogus',
      'answers.nps',
      'answers.ces',
      'answers.store',
      'answers.liked',
      'answers.comment',
    ]);
    expect(issues.find((i) => i.path[1] === 'nps')?.message).toBe('is required');
    expect(issues.find((i) => i.path[1] === 'bogus')?.message).toContain('is not a question of survey "post-purchase" version 3');
  });

  it('treats null, blank text and an empty list as unanswered', () => {
    const response = validateAnswers(survey, { nps: 3, comment: '   ', liked: [], store: null });
    expect(response.answers.map((a) => a.questionId)).toEqual(['nps']);
  });

  it('reads only the answers given: a question id like "constructor" is unanswered, not Object.prototype', () => {
    const tricky = defineSurvey({
      id: 't',
      title: 't',
      questions: [
        { id: 'constructor', kind: 'nps', text: 'x' },
        { id: 'tostring', kind: 'text', text: 'y' },
      ],
    });
    expect(validateAnswers(tricky, {}).answers).toEqual([]);
    expect(
      issuesOf(() => validateAnswers({ ...tricky, questions: tricky.questions.map((q) => ({ ...q, required: true })) }, {})).map(
        (i) => i.path[1],
      ),
    ).toEqual(['constructor', 'tostring']);
  });

  it('throws FEEDBACK_INVALID_ANSWERS', () => {
    expect(() => validateAnswers(survey, {})).toThrow(
      expect.objectContaining({ code: FeedbackErrorCode.InvalidAnswers, kind: 'invalid_input' }),
    );
  });
});

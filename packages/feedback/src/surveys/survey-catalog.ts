import { ConflictError, isRapportError, NotFoundError } from '@rapport/core';
import { TableErrorCode } from '@rapport/core/plugin';
import { FeedbackErrorCode } from '../error-codes.js';
import type { FeedbackContext } from '../plugin/feedback-context.js';
import { surveysTable } from '../tables.js';
import { defineSurvey, type Survey, type SurveyInput } from './define-survey.js';

/** The survey definitions of one tenant, every version kept. */
export class SurveyCatalog {
  constructor(private readonly ctx: FeedbackContext) {}

  /**
   * Checks and stores a survey version. Without `version` it becomes the next version of the
   * survey (1 for a new one); a version that is already stored is `FEEDBACK_SURVEY_VERSION_EXISTS`,
   * as answers refer to it and it must never change.
   */
  async define(input: SurveyInput): Promise<Survey> {
    const latest = typeof input?.id === 'string' ? await this.latest(input.id) : null;
    const survey = defineSurvey({ ...input, version: input.version ?? (latest ? latest.version + 1 : 1) });
    try {
      await this.ctx.tenant.store
        .table(surveysTable)
        .insert({ id: survey.id, version: survey.version, definition: survey, createdAt: this.ctx.now });
    } catch (error) {
      if (isRapportError(error, TableErrorCode.UniqueViolation)) {
        throw new ConflictError(FeedbackErrorCode.SurveyVersionExists, `Survey "${survey.id}" version ${survey.version} already exists`, {
          surveyId: survey.id,
          version: survey.version,
        });
      }
      throw error;
    }
    return survey;
  }

  /** A survey: the given version, else the latest. `FEEDBACK_SURVEY_NOT_FOUND` when there is none. */
  async get(surveyId: string, version?: number): Promise<Survey> {
    const survey =
      version === undefined
        ? await this.latest(surveyId)
        : ((await this.ctx.tenant.store.table(surveysTable).get({ id: surveyId, version }))?.definition as Survey | undefined);
    if (!survey)
      throw new NotFoundError(FeedbackErrorCode.SurveyNotFound, 'survey', version === undefined ? surveyId : `${surveyId}@${version}`);
    return survey;
  }

  private async latest(surveyId: string): Promise<Survey | null> {
    const page = await this.ctx.tenant.store
      .table(surveysTable)
      .find({ where: { id: surveyId }, orderBy: [{ column: 'version', direction: 'desc' }], limit: 1 });
    return (page.items[0]?.definition as Survey | undefined) ?? null;
  }
}

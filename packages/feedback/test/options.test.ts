import { describe, expect, it } from 'vitest';
import { FeedbackErrorCode, parseFeedbackOptions } from '../src/index.js';

const secret = 'x'.repeat(32);

describe('feedback options', () => {
  it('fills in the defaults: 30-day links editable for 24 h, one survey per 30 days, the default follow-up rule', () => {
    expect(parseFeedbackOptions({ links: { secret } })).toEqual({
      links: { secret, expiresInMinutes: 43_200, editableForMinutes: 1_440 },
      throttle: { windowDays: 30, maxPerWindow: 1 },
      followUp: {},
      consentPurpose: 'feedback',
      sla: { policies: [], escalations: [] },
      triggers: [],
    });
    expect(parseFeedbackOptions({ links: { secret }, followUp: false }).followUp).toBe(false);
  });

  it('names a bad SLA policy, escalation or trigger under its option', () => {
    const error = (options: Parameters<typeof parseFeedbackOptions>[0]) => {
      try {
        parseFeedbackOptions(options);
      } catch (caught) {
        return caught as { code: string; issues: { path: (string | number)[] }[] };
      }
      throw new Error('should throw');
    };
    const policy = error({ links: { secret }, sla: { policies: [{ name: 'p', targets: {} }] } });
    expect(policy.code).toBe('FEEDBACK_INVALID_OPTIONS');
    expect(policy.issues.map((issue) => issue.path)).toEqual([['sla', 'policies', 0, 'targets']]);
    const rule = error({ links: { secret }, sla: { escalations: [{ on: 'late' as 'breach' }] } });
    expect(rule.issues.map((issue) => issue.path)).toEqual([['sla', 'escalations', 0, 'on']]);
    const trigger = error({ links: { secret }, triggers: [{ on: { interaction: '' }, surveyId: 'nps' }] });
    expect(trigger.issues[0]?.path.slice(0, 2)).toEqual(['triggers', 0]);
  });

  it('names each bad field', () => {
    try {
      parseFeedbackOptions({ links: { secret: 'short', expiresInMinutes: 0 }, throttle: { maxPerWindow: 0 } });
      expect.fail('should throw');
    } catch (error) {
      expect(error).toMatchObject({ code: FeedbackErrorCode.InvalidOptions, kind: 'invalid_input' });
      const paths = (error as { details: { issues: { path: unknown[] }[] } }).details.issues.map((issue) => issue.path.join('.'));
      expect(paths).toEqual(['links.secret', 'links.expiresInMinutes', 'throttle.maxPerWindow']);
    }
  });
});

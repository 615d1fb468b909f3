import { describe, expect, it } from 'vitest';
import { FeedbackErrorCode, parseFeedbackOptions } from '../src/index.js';

const secret = 'x'.repeat(32);

describe('feedback options', () => {
  it('fills in the defaults: 30-day links editable for 24 h, one survey per 30 days, the default follow-up rule', () => {
    expect(parseFeedbackOptions({ links: { secret } })).toEqual({
      links: { secret, expiresInMinutes: 43_200, editableForMinutes: 1_440 },
      throttle: { windowDays: 30, maxPerWindow: 1 },
      followUp: {},
    });
    expect(parseFeedbackOptions({ links: { secret }, followUp: false }).followUp).toBe(false);
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

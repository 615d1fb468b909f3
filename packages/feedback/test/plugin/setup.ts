import { randomUUID } from 'node:crypto';
import type { Storage } from '@rapport/core';
import { createTestCrm, FakeClock, TEST_EPOCH } from '@rapport/testkit';
import { FEEDBACK_EVENTS, type FeedbackOptions, feedback, type SurveyInput } from '../../src/index.js';

export const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

export const npsSurvey: SurveyInput = {
  id: 'nps',
  title: 'How did we do?',
  questions: [
    { id: 'nps', kind: 'nps', text: 'How likely are you to recommend us?', required: true },
    { id: 'why', kind: 'text', text: 'Why?' },
  ],
};

export const csatSurvey: SurveyInput = {
  id: 'csat',
  title: 'Your support request',
  questions: [{ id: 'csat', kind: 'csat', text: 'How satisfied are you?', required: true }],
};

export type FeedbackTestOptions = Partial<FeedbackOptions>;

/** A test Crm with the feedback plugin on `storage`; `tenant` and `clock` shared to play a restart. */
export async function feedbackCrm(
  storage: Storage,
  options: FeedbackTestOptions = {},
  shared: { tenant?: string; clock?: FakeClock } = {},
) {
  const crm = await createTestCrm({
    storage,
    // Random ids: a second Crm on the same tenant (a restart) must not reuse the first one's.
    ids: { next: () => randomUUID() },
    clock: shared.clock ?? new FakeClock(TEST_EPOCH),
    ...(shared.tenant ? { tenant: shared.tenant } : {}),
    plugins: [feedback({ links: { secret: SECRET }, consentPurpose: false, ...options })],
    record: FEEDBACK_EVENTS,
  });
  // Workers drain every tenant of the shared storage: keep to this Crm's tenant's events.
  const recordedOf = crm.recordedOf.bind(crm);
  Object.assign(crm, {
    recordedOf: (name: Parameters<typeof recordedOf>[0]) =>
      recordedOf(name).filter((payload) => (payload as { tenantId?: string }).tenantId === crm.tenantId),
  });
  await crm.feedback.surveys.define(npsSurvey);
  await crm.feedback.surveys.define(csatSurvey);
  return crm;
}

export type FeedbackTestCrm = Awaited<ReturnType<typeof feedbackCrm>>;

let people = 0;
/** A new customer. */
export async function person(crm: FeedbackTestCrm) {
  const { customer } = await crm.customers.upsert({
    identities: [{ type: 'email', value: `person-${++people}-${randomUUID()}@example.com` }],
  });
  return customer;
}

/** Rejects or resolves: the error a promise rejects with, or `undefined`. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

import { column, defineTable } from '@rapport/core/plugin';
import type { Answer } from './surveys/validate-answers.js';

const id = () => column.text({ maxLength: 128 });
const customerRef = () => column.text({ maxLength: 64 }).customerRef();

/** Every version of every survey: the definition as checked by `defineSurvey`. */
export const surveysTable = defineTable('surveys', {
  columns: {
    id: id(),
    version: column.integer(),
    definition: column.json<unknown>(),
    createdAt: column.timestamp(),
  },
  primaryKey: ['id', 'version'],
});

/**
 * One row per survey sent (or skipped) to a person on any channel; its id is the response
 * link's id. Throttling reads these rows, so a send on one channel counts on all.
 */
export const surveySendsTable = defineTable('survey_sends', {
  columns: {
    id: id(),
    customerId: customerRef(),
    surveyId: id(),
    surveyVersion: column.integer(),
    channel: column.text({ maxLength: 64 }),
    /** `sent`, or `skipped` with the reason. */
    status: column.text({ maxLength: 16 }),
    reason: column.text({ maxLength: 64 }).nullable(),
    /** The ticket the survey asks about (a CSAT after a resolution). */
    ticketId: column.text({ maxLength: 128 }).nullable(),
    sentAt: column.timestamp(),
    expiresAt: column.timestamp().nullable(),
    respondedAt: column.timestamp().nullable(),
  },
  primaryKey: ['id'],
  indexes: [['customerId', 'sentAt'], ['sentAt']],
});

/**
 * A guard row per person, whose version every allowed send bumps in the send's transaction:
 * of two concurrent sends to one person, only one bump applies, so the throttle holds under
 * races. Holds no personal data beyond the id; not a customer reference, so a merge of two
 * guarded people does not collide on the key.
 */
export const throttleGuardsTable = defineTable('throttle_guards', {
  columns: {
    customerId: column.text({ maxLength: 64 }),
    lastSentAt: column.timestamp().nullable(),
    version: column.integer().default(1),
  },
  primaryKey: ['customerId'],
  version: 'version',
});

/** A survey response: headline scores in columns (for SQL series), every answer in `answers`. */
export const responsesTable = defineTable('responses', {
  columns: {
    id: id(),
    /** The response link (survey send) it came through; null for API answers (POS, in-app). */
    linkId: column.text({ maxLength: 128 }).nullable(),
    customerId: customerRef(),
    surveyId: id(),
    surveyVersion: column.integer(),
    channel: column.text({ maxLength: 64 }),
    store: column.text({ maxLength: 128 }).nullable(),
    segment: column.text({ maxLength: 128 }).nullable(),
    ticketId: column.text({ maxLength: 128 }).nullable(),
    nps: column.integer().nullable(),
    csat: column.integer().nullable(),
    csatScale: column.integer().nullable(),
    ces: column.integer().nullable(),
    cesScale: column.integer().nullable(),
    /** All answers; free text is personal data. */
    answers: column.json<Answer[]>().personal(),
    answeredAt: column.timestamp(),
    updatedAt: column.timestamp(),
    anonymisedAt: column.timestamp().nullable(),
    version: column.integer().default(1),
  },
  primaryKey: ['id'],
  unique: [['linkId']],
  // Series read the time, the scores and the common dimensions from this index alone (no row lookups).
  indexes: [
    ['answeredAt', 'nps', 'csat', 'csatScale', 'ces', 'cesScale', 'channel', 'surveyId'],
    ['customerId', 'answeredAt'],
    ['surveyId', 'answeredAt'],
  ],
  version: 'version',
});

/** A ticket (a complaint, a question, a follow-up of a detractor). */
export const ticketsTable = defineTable('tickets', {
  columns: {
    id: id(),
    customerId: customerRef(),
    subject: column.text({ maxLength: 500 }).personal(),
    /** Where it came from: `api`, `email`, `sms`, `store`, `survey`, … */
    source: column.text({ maxLength: 64 }),
    conversationId: column.text({ maxLength: 255 }).nullable(),
    category: column.text({ maxLength: 128 }).nullable(),
    priority: column.text({ maxLength: 32 }),
    assignee: column.text({ maxLength: 128 }).nullable(),
    status: column.text({ maxLength: 16 }),
    /** The SLA policy applied. */
    policy: column.text({ maxLength: 200 }),
    /** The response that opened it (closed loop). */
    responseId: column.text({ maxLength: 128 }).nullable(),
    createdAt: column.timestamp(),
    updatedAt: column.timestamp(),
    firstResponseDueAt: column.timestamp().nullable(),
    nextResponseDueAt: column.timestamp().nullable(),
    resolutionDueAt: column.timestamp().nullable(),
    firstContactAt: column.timestamp().nullable(),
    resolvedAt: column.timestamp().nullable(),
    /** Bumped whenever the SLA is recomputed; a timer of an older generation is stale. */
    slaGeneration: column.integer().default(0),
    /** The pending timer jobs of the current generation, cancelled on the next recompute. */
    timerJobs: column.json<string[]>().default([]),
    version: column.integer().default(1),
  },
  primaryKey: ['id'],
  indexes: [['customerId', 'createdAt'], ['status', 'createdAt'], ['responseId']],
  version: 'version',
});

/** What happened on a ticket: opened, replies, notes, status, priority, category and assignee changes, SLA alerts. */
export const ticketEventsTable = defineTable('ticket_events', {
  columns: {
    id: id(),
    ticketId: column.text({ maxLength: 128 }),
    customerId: customerRef(),
    kind: column.text({ maxLength: 32 }),
    /** `agent`, `customer` or `system`. */
    author: column.text({ maxLength: 16 }),
    body: column.text({ maxLength: 100_000 }).personal().nullable(),
    data: column.json<Record<string, unknown>>().nullable(),
    at: column.timestamp(),
    seq: column.integer(),
  },
  primaryKey: ['id'],
  unique: [['ticketId', 'seq']],
  indexes: [['ticketId', 'at']],
});

/**
 * One row per SLA alert fired: its key (ticket, metric, kind, the clock's start) makes a
 * warning or a breach fire once, however often its timer runs.
 */
export const slaAlertsTable = defineTable('sla_alerts', {
  columns: {
    id: column.text({ maxLength: 255 }),
    ticketId: column.text({ maxLength: 128 }),
    metric: column.text({ maxLength: 32 }),
    kind: column.text({ maxLength: 16 }),
    dueAt: column.timestamp(),
    firedAt: column.timestamp(),
  },
  primaryKey: ['id'],
  indexes: [['ticketId']],
});

/** The tables of `@rapport/feedback`. */
export const feedbackTables = [
  surveysTable,
  surveySendsTable,
  throttleGuardsTable,
  responsesTable,
  ticketsTable,
  ticketEventsTable,
  slaAlertsTable,
] as const;

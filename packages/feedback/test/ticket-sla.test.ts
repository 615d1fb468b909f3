import { describe, expect, it } from 'vitest';
import {
  calendarHours,
  computeTicketSla,
  defineBusinessCalendar,
  defineSlaPolicies,
  FeedbackErrorCode,
  matchSlaPolicy,
  type SlaPolicy,
  type TicketSlaFacts,
} from '../src/index.js';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const london = defineBusinessCalendar({
  timeZone: 'Europe/London',
  weeklyHours: { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive },
  holidays: ['2026-04-03', '2026-04-06'],
});
const at = (iso: string) => new Date(iso);

const policies: SlaPolicy[] = defineSlaPolicies([
  {
    name: 'urgent',
    match: { priorities: ['urgent'] },
    targets: { firstResponse: 60, resolution: 480 },
    time: london,
    warning: { percent: 50 },
  },
  {
    name: 'billing',
    match: { categories: ['billing'] },
    targets: { firstResponse: 240, nextResponse: 120 },
    time: calendarHours,
    warning: { minutesBefore: 30 },
  },
]);

// Friday 27 March 2026 16:30 GMT; the clocks go forward on Sunday 29 March.
const base: TicketSlaFacts = {
  createdAt: at('2026-03-27T16:30:00Z'),
  priority: 'urgent',
  category: 'billing',
  statusChanges: [],
  messages: [],
};
const target = (facts: TicketSlaFacts, now: string, metric: string) =>
  computeTicketSla(policies, facts, at(now)).targets.find((t) => t.metric === metric);

describe('SLA policies', () => {
  it('the first matching policy applies; none matching gives the default (first response in 24 h)', () => {
    expect(matchSlaPolicy(policies, { priority: 'urgent', category: 'billing' }).name).toBe('urgent');
    expect(matchSlaPolicy(policies, { priority: 'normal', category: 'billing' }).name).toBe('billing');
    const fallback = computeTicketSla(policies, { ...base, priority: 'low', category: null }, at('2026-03-27T17:00:00Z'));
    expect(fallback.policy).toBe('default');
    expect(fallback.targets).toHaveLength(1);
    expect(fallback.targets[0]).toMatchObject({
      metric: 'firstResponse',
      dueAt: at('2026-03-28T16:30:00Z'),
      warnAt: at('2026-03-28T10:30:00Z'),
    });
  });

  it('names a bad policy field and a duplicate name', () => {
    expect(() => defineSlaPolicies([{ name: 'x', targets: {} }])).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidSlaPolicy,
        details: { issues: [expect.objectContaining({ path: ['policies', 0, 'targets'] })] },
      }),
    );
    expect(() => defineSlaPolicies([{ name: 'x', targets: { resolution: -5 } }])).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['policies', 0, 'targets', 'resolution'] })] } }),
    );
    expect(() => defineSlaPolicies([{ name: 'x', targets: { resolution: 5 }, time: { kind: 'business' } as never }])).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['policies', 0, 'time'] })] } }),
    );
    expect(() =>
      defineSlaPolicies([
        { name: 'x', targets: { resolution: 5 } },
        { name: 'x', targets: { resolution: 6 } },
      ]),
    ).toThrow(expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['policies', 1, 'name'] })] } }));
  });
});

describe('ticket SLA (hand-computed)', () => {
  it('urgent in business hours: first response due Mon 09:30 BST, warning at Fri 17:00 GMT, resolution due Mon 16:30 BST', () => {
    // 30 min left on Friday; Monday 30 March opens at 09:00 BST = 08:00Z.
    const sla = computeTicketSla(policies, base, at('2026-03-27T16:45:00Z'));
    expect(sla.policy).toBe('urgent');
    expect(sla.targets.map((t) => [t.metric, t.dueAt?.toISOString(), t.warnAt?.toISOString(), t.state])).toEqual([
      ['firstResponse', '2026-03-30T08:30:00.000Z', '2026-03-27T17:00:00.000Z', 'running'],
      ['resolution', '2026-03-30T15:30:00.000Z', '2026-03-30T11:30:00.000Z', 'running'],
    ]);
  });

  it('a reply in time meets the first response; pending pauses the resolution clock', () => {
    const facts: TicketSlaFacts = {
      ...base,
      messages: [{ at: at('2026-03-27T16:40:00Z'), from: 'agent' }],
      statusChanges: [
        { at: at('2026-03-27T16:40:00Z'), to: 'open' },
        { at: at('2026-03-30T09:00:00Z'), to: 'pending' }, // Mon 10:00 BST
        { at: at('2026-03-31T09:00:00Z'), to: 'open' }, // Tue 10:00 BST
      ],
    };
    expect(target(facts, '2026-03-31T10:00:00Z', 'firstResponse')).toMatchObject({ state: 'met', metAt: at('2026-03-27T16:40:00Z') });
    // 30 min Friday + 60 min Monday before the pause = 90; 390 more from Tuesday 10:00 BST → 16:30 BST.
    expect(target(facts, '2026-03-31T10:00:00Z', 'resolution')).toMatchObject({ dueAt: at('2026-03-31T15:30:00Z'), state: 'running' });
    // While still pending, the due time is unknown and the target is paused.
    const pending = { ...facts, statusChanges: facts.statusChanges.slice(0, 2) };
    expect(target(pending, '2026-03-31T10:00:00Z', 'resolution')).toMatchObject({ dueAt: null, state: 'paused' });
  });

  it('raising the priority recomputes the due times from the same facts', () => {
    const normal = computeTicketSla(policies, { ...base, priority: 'normal' }, at('2026-03-27T17:00:00Z'));
    expect(normal.policy).toBe('billing');
    // 240 calendar minutes from 16:30Z, warning 30 minutes earlier.
    expect(normal.targets[0]).toMatchObject({
      metric: 'firstResponse',
      dueAt: at('2026-03-27T20:30:00Z'),
      warnAt: at('2026-03-27T20:00:00Z'),
    });
    const urgent = computeTicketSla(policies, { ...base, priority: 'urgent' }, at('2026-03-27T17:00:00Z'));
    expect(urgent.targets[0]?.dueAt).toEqual(at('2026-03-30T08:30:00Z'));
  });

  it('breached when due and not done, or done late', () => {
    expect(target(base, '2026-03-30T08:30:00Z', 'firstResponse')?.state).toBe('breached');
    const late = { ...base, messages: [{ at: at('2026-03-30T09:00:00Z'), from: 'agent' as const }] };
    expect(target(late, '2026-03-30T09:00:00Z', 'firstResponse')).toMatchObject({ state: 'breached', metAt: at('2026-03-30T09:00:00Z') });
  });

  it('resolving stops the clock, reopening resumes it with the resolved time left out', () => {
    const facts: TicketSlaFacts = {
      ...base,
      messages: [{ at: at('2026-03-27T16:35:00Z'), from: 'agent' }],
      statusChanges: [
        { at: at('2026-03-27T16:35:00Z'), to: 'open' },
        { at: at('2026-03-27T16:50:00Z'), to: 'resolved' }, // 20 min used
        { at: at('2026-04-01T08:00:00Z'), to: 'open' }, // Wed 09:00 BST, reopened
      ],
    };
    const resolved = { ...facts, statusChanges: facts.statusChanges.slice(0, 2) };
    expect(target(resolved, '2026-03-30T12:00:00Z', 'resolution')).toMatchObject({ state: 'met', metAt: at('2026-03-27T16:50:00Z') });
    // 460 minutes left from Wednesday 09:00 BST → Wednesday 16:40 BST.
    expect(target(facts, '2026-04-01T09:00:00Z', 'resolution')).toMatchObject({
      state: 'running',
      metAt: null,
      dueAt: at('2026-04-01T15:40:00Z'),
    });
  });

  it('the next-response clock starts at the customer message after an agent reply', () => {
    const facts: TicketSlaFacts = {
      ...base,
      priority: 'normal',
      messages: [
        { at: at('2026-05-04T10:00:00Z'), from: 'customer' },
        { at: at('2026-05-04T11:00:00Z'), from: 'agent' },
        { at: at('2026-05-04T12:00:00Z'), from: 'customer' },
        { at: at('2026-05-04T12:10:00Z'), from: 'customer' },
      ],
      createdAt: at('2026-05-04T10:00:00Z'),
    };
    expect(target(facts, '2026-05-04T13:00:00Z', 'nextResponse')).toMatchObject({
      startedAt: at('2026-05-04T12:00:00Z'),
      dueAt: at('2026-05-04T14:00:00Z'),
      state: 'running',
    });
    const answered = { ...facts, messages: [...facts.messages, { at: at('2026-05-04T13:30:00Z'), from: 'agent' as const }] };
    expect(target(answered, '2026-05-04T15:00:00Z', 'nextResponse')).toMatchObject({ state: 'met', metAt: at('2026-05-04T13:30:00Z') });
    expect(target({ ...facts, messages: facts.messages.slice(0, 1) }, '2026-05-04T13:00:00Z', 'nextResponse')).toBeUndefined();
  });

  it('a status history that breaks the state machine is refused, naming from and to', () => {
    const facts: TicketSlaFacts = {
      ...base,
      statusChanges: [
        { at: at('2026-03-27T17:00:00Z'), to: 'closed' },
        { at: at('2026-03-27T18:00:00Z'), to: 'pending' },
      ],
    };
    expect(() => computeTicketSla(policies, facts, at('2026-03-28T00:00:00Z'))).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.TransitionNotAllowed,
        details: expect.objectContaining({ from: 'closed', to: 'pending' }),
      }),
    );
  });
});

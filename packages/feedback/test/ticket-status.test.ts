import { isRapportError } from '@rapport/core';
import { describe, expect, it } from 'vitest';
import { canTransition, FeedbackErrorCode, TICKET_STATUSES, type TicketStatus, transitionTicket } from '../src/index.js';

const allowed: Record<TicketStatus, TicketStatus[]> = {
  new: ['open', 'pending', 'resolved', 'closed'],
  open: ['pending', 'resolved', 'closed'],
  pending: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

describe('ticket state machine', () => {
  it('allows exactly the documented transitions, and refuses the rest naming from and to', () => {
    for (const from of TICKET_STATUSES) {
      for (const to of TICKET_STATUSES) {
        const ok = allowed[from].includes(to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(ok);
        if (ok) {
          expect(transitionTicket(from, to)).toMatchObject({ from, to });
          continue;
        }
        try {
          transitionTicket(from, to);
          expect.fail(`${from} → ${to} should be refused`);
        } catch (error) {
          expect(isRapportError(error, FeedbackErrorCode.TransitionNotAllowed)).toBe(true);
          expect(error).toMatchObject({ kind: 'conflict', details: { from, to, allowed: allowed[from] } });
        }
      }
    }
  });

  it('a value that is no status is named as bad input', () => {
    expect(() => transitionTicket('open', 'archived' as TicketStatus)).toThrow(
      expect.objectContaining({
        code: FeedbackErrorCode.InvalidTicketStatus,
        kind: 'invalid_input',
        details: { issues: [expect.objectContaining({ path: ['to'] })] },
      }),
    );
    expect(() => transitionTicket('toString' as TicketStatus, 'open')).toThrow(
      expect.objectContaining({ details: { issues: [expect.objectContaining({ path: ['from'] })] } }),
    );
  });

  it('closed → pending is refused with a message naming both', () => {
    expect(() => transitionTicket('closed', 'pending')).toThrow('A ticket cannot go from "closed" to "pending" ("closed" is final)');
  });

  it('says what each transition does to the SLA clock', () => {
    expect(transitionTicket('new', 'open').clock).toBe('none');
    expect(transitionTicket('open', 'pending').clock).toBe('pause');
    expect(transitionTicket('pending', 'open').clock).toBe('resume');
    expect(transitionTicket('open', 'resolved').clock).toBe('stop');
    expect(transitionTicket('pending', 'resolved').clock).toBe('stop');
    expect(transitionTicket('resolved', 'open')).toMatchObject({ clock: 'resume', reopened: true });
    expect(transitionTicket('resolved', 'closed').clock).toBe('none');
    expect(transitionTicket('open', 'closed').clock).toBe('stop');
    expect(transitionTicket('pending', 'open').reopened).toBe(false);
  });
});

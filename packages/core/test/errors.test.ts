import { ConflictError, isRapportError, NotFoundError, RapportError, ValidationError } from '@rapport/core';
import { describe, expect, it } from 'vitest';

describe('errors', () => {
  it('carry a stable code, a kind and typed details', () => {
    const error = new NotFoundError('CUSTOMER_NOT_FOUND', 'customer', 'c-1');
    expect(error).toBeInstanceOf(RapportError);
    expect(error.code).toBe('CUSTOMER_NOT_FOUND');
    expect(error.kind).toBe('not_found');
    expect(error.details).toEqual({ entity: 'customer', id: 'c-1' });
    expect(error.toJSON()).toMatchObject({ name: 'NotFoundError', code: 'CUSTOMER_NOT_FOUND', kind: 'not_found' });
  });

  it('name every bad field in a validation message', () => {
    const error = new ValidationError('INVALID_INPUT', [
      { path: ['traits', 'birthday'], message: 'Invalid date' },
      { path: ['identities', 0, 'value'], message: 'not an e-mail' },
    ]);
    expect(error.message).toBe('Invalid input — traits.birthday: Invalid date; identities.0.value: not an e-mail');
    expect(error.issues).toHaveLength(2);
  });

  it('are recognised by code without instanceof, so two copies of the package agree', () => {
    const error = new ConflictError('IDENTITY_TAKEN', 'taken');
    const copied = Object.assign(Object.create(null), error, { [Symbol.for('rapport:error')]: true, code: 'IDENTITY_TAKEN' });
    expect(isRapportError(copied, 'IDENTITY_TAKEN')).toBe(true);
    expect(isRapportError(error, 'CUSTOMER_NOT_FOUND')).toBe(false);
    expect(isRapportError(new Error('plain'))).toBe(false);
    expect(isRapportError(null)).toBe(false);
  });

  it('keep the cause', () => {
    const cause = new Error('driver said no');
    const error = new RapportError({ code: 'INTERNAL', kind: 'internal', message: 'down', cause });
    expect(error.cause).toBe(cause);
  });
});

import {
  ConflictError,
  CoreErrorCode,
  type ErrorDetailsOf,
  type Identity,
  isRapportError,
  RapportError,
  type RapportErrorCode,
  type ValidationIssue,
} from '@rapport/core';
import { type ErrorCodeEntries, errorDetails } from '@rapport/core/plugin';
import { describe, expectTypeOf, it } from 'vitest';

// A package's codes, declared as a plugin would and merged into the registry.
const exampleCodes = {
  TicketClosed: { code: 'EXAMPLE_TICKET_CLOSED', kind: 'conflict', details: errorDetails<{ ticketId: string }>() },
} as const;
declare module '@rapport/core' {
  interface RapportErrorCodes extends ErrorCodeEntries<typeof exampleCodes> {}
}

describe('error-code registry types', () => {
  it('makes RapportError["code"] the union of registered codes', () => {
    expectTypeOf<'CUSTOMER_NOT_FOUND'>().toExtend<RapportError['code']>();
    expectTypeOf<'HOOK_VETOED'>().toExtend<RapportErrorCode>();
    expectTypeOf<'EXAMPLE_TICKET_CLOSED'>().toExtend<RapportErrorCode>();
    expectTypeOf<'CUSTOMER_NOT_FOUNDD'>().not.toExtend<RapportErrorCode>();
    expectTypeOf<string>().not.toExtend<RapportErrorCode>();
  });

  it('keeps the CoreErrorCode constants as literal codes', () => {
    expectTypeOf(CoreErrorCode.CustomerNotFound).toEqualTypeOf<'CUSTOMER_NOT_FOUND'>();
    expectTypeOf(CoreErrorCode.LastIdentity).toEqualTypeOf<'CUSTOMER_LAST_IDENTITY'>();
    expectTypeOf(CoreErrorCode.Internal).toEqualTypeOf<'INTERNAL'>();
  });

  it('narrows details by code in isRapportError', () => {
    const error: unknown = new Error('x');
    if (isRapportError(error, 'CUSTOMER_NOT_FOUND')) {
      expectTypeOf(error.code).toEqualTypeOf<'CUSTOMER_NOT_FOUND'>();
      expectTypeOf(error.kind).toEqualTypeOf<'not_found'>();
      expectTypeOf(error.details.entity).toEqualTypeOf<string>();
      expectTypeOf(error.details.id).toEqualTypeOf<string>();
    }
    if (isRapportError(error, CoreErrorCode.IdentityTaken)) {
      expectTypeOf(error.details.identity).toEqualTypeOf<Identity>();
    }
    if (isRapportError(error, 'INVALID_INPUT')) {
      expectTypeOf(error.details.issues).toEqualTypeOf<ValidationIssue[]>();
    }
    if (isRapportError(error, 'HOOK_VETOED')) {
      expectTypeOf(error.details.plugin).toEqualTypeOf<string>();
      expectTypeOf(error.details.reason).toEqualTypeOf<string>();
    }
    if (isRapportError(error, 'EXAMPLE_TICKET_CLOSED')) {
      expectTypeOf(error.details).toEqualTypeOf<{ ticketId: string }>();
    }
    if (isRapportError(error)) {
      expectTypeOf(error.code).toEqualTypeOf<RapportErrorCode>();
    }
  });

  it('rejects a misspelt or unregistered code at compile time', () => {
    const error: unknown = undefined;
    // @ts-expect-error: misspelt code
    isRapportError(error, 'CUSTOMER_NOT_FOUNDD');
    // @ts-expect-error: a code no package registered
    new RapportError({ code: 'NOT_REGISTERED', kind: 'internal', message: 'x' });
    // @ts-expect-error: a code no package registered
    new ConflictError('CUSTOMER_EXISTS_TWICE', 'x');
  });

  it('checks the details a ConflictError is built with against its code', () => {
    expectTypeOf<ErrorDetailsOf<'CUSTOMER_MERGED'>>().toEqualTypeOf<{ id: string }>();
    new ConflictError(CoreErrorCode.CustomerMerged, 'merged', { id: 'c-1' });
    // @ts-expect-error: CUSTOMER_MERGED's details have an id, not a key
    new ConflictError(CoreErrorCode.CustomerMerged, 'merged', { key: 'c-1' });
  });
});

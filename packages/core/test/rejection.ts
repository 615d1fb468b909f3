import { isRapportError, type RapportError } from '@rapport/core';

/** The RapportError a promise rejects with; fails the test when it resolves or throws something else. */
export async function rejection(promise: Promise<unknown>): Promise<RapportError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isRapportError(error)) throw new Error(`expected a RapportError, got ${String(error)}`);
  return error;
}

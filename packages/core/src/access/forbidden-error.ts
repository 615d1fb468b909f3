import { CoreErrorCode } from '../errors/codes.js';
import { RapportError } from '../errors/rapport-error.js';

/** The actor lacks the permission an operation needs (`ACCESS_FORBIDDEN`, kind `forbidden`); nothing was done. */
export class ForbiddenError extends RapportError<{ actorId: string; operation: string; permission: string }> {
  constructor(actorId: string, operation: string, permission: string) {
    super({
      code: CoreErrorCode.Forbidden,
      kind: 'forbidden',
      message: `Actor "${actorId}" may not call ${operation}: it needs the permission "${permission}"`,
      details: { actorId, operation, permission },
    });
    this.name = 'ForbiddenError';
  }
}

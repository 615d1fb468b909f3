import type { IdentityInput } from '@rapport/core';
import type { GuardVerdict, SendCheck, SendGuard } from './send-guard.js';

/**
 * Refuses a send to an address on the privacy suppression list (`crm.privacy.isSuppressed`:
 * a person erased on request). It applies to transactional messages too: an erasure is never
 * overridden by a message's purpose. Installed by `messaging()` first, before consent.
 */
export function suppressionGuard(): SendGuard {
  return {
    name: 'suppression',
    transactional: true,
    async check(send, crm) {
      return verdict(await crm.privacy.isSuppressed(identityOf(send)));
    },
    async checkMany(sends, crm) {
      return (await crm.privacy.suppressedAmong(sends.map(identityOf))).map(verdict);
    },
  };
}

function identityOf(send: SendCheck): IdentityInput {
  const { type, value, namespace } = send.recipient;
  return (type === 'external' ? { type, value, namespace: namespace ?? '' } : { type, value }) as IdentityInput;
}

function verdict(suppressed: boolean): GuardVerdict {
  return suppressed ? { allowed: false, reason: 'suppression: the address belongs to an erased person' } : { allowed: true };
}

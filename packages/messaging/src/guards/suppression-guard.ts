import type { SendGuard } from './send-guard.js';

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
      const { type, value, namespace } = send.recipient;
      const identity = type === 'external' ? { type, value, namespace: namespace ?? '' } : { type, value };
      const suppressed = await crm.privacy.isSuppressed(identity);
      return suppressed ? { allowed: false, reason: 'suppression: the address belongs to an erased person' } : { allowed: true };
    },
  };
}

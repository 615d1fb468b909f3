/**
 * The standard traits that hold personal data and are encrypted when a storage encrypts:
 * names, birthday, address, and `email` / `phone` for apps that also keep them as traits.
 * An app adds its own (`encryption: { personalTraits: ['loyaltyNotes'] }` on the storage).
 */
export const DEFAULT_PERSONAL_TRAITS: readonly string[] = ['name', 'firstName', 'lastName', 'birthday', 'address', 'email', 'phone'];

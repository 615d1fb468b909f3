import { type SegmentCondition, ValidationError, type ValidationIssue } from '@rapport/core';
import { EncryptionErrorCode } from '@rapport/core/storage';
import type { StorageEncryption } from './storage-encryption.js';

/**
 * Refuses a segment condition that compares an encrypted trait: the database holds only its
 * ciphertext (a fresh nonce each write), so SQL could match nothing, silently. The error names
 * every such term's `field` and says why. Traits that are not personal, metrics, tags,
 * identities (by type), events and consent stay queryable.
 */
export function assertQueryable(
  condition: SegmentCondition,
  encryption: StorageEncryption | undefined,
  path: (string | number)[] = ['condition'],
): void {
  if (!encryption) return;
  const issues: ValidationIssue[] = [];
  collect(condition, encryption.personalTraits, path, issues);
  if (issues.length > 0) throw new ValidationError(EncryptionErrorCode.FieldNotQueryable, issues);
}

function collect(condition: SegmentCondition, personal: ReadonlySet<string>, path: (string | number)[], issues: ValidationIssue[]): void {
  switch (condition.kind) {
    case 'and':
    case 'or':
      for (const [index, child] of condition.of.entries()) collect(child, personal, [...path, 'of', index], issues);
      return;
    case 'not':
      collect(condition.condition, personal, [...path, 'condition'], issues);
      return;
    case 'trait': {
      const name = condition.field.split('.')[0] as string;
      if (personal.has(name))
        issues.push({
          path: [...path, 'field'],
          message: `trait "${name}" is encrypted at rest, so a segment cannot compare it (${condition.op}); segment on a trait that is not personal`,
        });
      return;
    }
    default:
      return;
  }
}

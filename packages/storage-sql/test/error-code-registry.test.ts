import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreErrorCode, PluginError } from '@rapport/core';
import { defineErrorCodes, errorDetails, registeredErrorCode, registeredErrorCodes } from '@rapport/core/plugin';
import { StorageErrorCode } from '@rapport/storage-sql';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

/** Every TypeScript source file of every package. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
const sources = readdirSync(packagesDir).flatMap((name) => {
  try {
    return sourceFiles(join(packagesDir, name, 'src')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  } catch {
    return [];
  }
});

describe('error-code registry', () => {
  it('registers every code of core and storage-sql at run time, with its kind', () => {
    for (const code of Object.values(CoreErrorCode)) expect(registeredErrorCode(code)?.owner).toBe('@rapport/core');
    for (const code of Object.values(StorageErrorCode) as string[]) expect(registeredErrorCode(code), code).toBeDefined();
    expect(registeredErrorCode('STORAGE_UNAVAILABLE')).toEqual({ kind: 'unavailable', owner: '@rapport/storage-sql' });
    expect(registeredErrorCode('CUSTOMER_NOT_FOUND')?.kind).toBe('not_found');
    expect(registeredErrorCode('NO_SUCH_CODE')).toBeUndefined();
    expect(registeredErrorCodes()).toEqual(expect.arrayContaining(['INTERNAL', 'CUSTOMER_EXISTS', 'HOOK_VETOED', 'STORAGE_CONFLICT']));
  });

  it('raises nowhere a code written by hand: every code comes from a defineErrorCodes map', () => {
    // A quoted UPPER_SNAKE string as an error's code, or as the first argument of an error class,
    // is how codes drifted before (IDENTITY_TAKEN in two places, CUSTOMER_EXISTS in no list).
    const handWritten = /(?:\bcode:\s*|new \w*Error\(\s*)'([A-Z][A-Z0-9_]*)'(?!,\s*kind:)/g;
    const found: string[] = [];
    for (const { path, text } of sources) {
      for (const match of text.matchAll(handWritten)) found.push(`${path.slice(packagesDir.length)}: ${match[1]}`);
    }
    expect(found).toEqual([]);
  });

  it('knows every UPPER_SNAKE code the sources compare or list', () => {
    // Codes named in a list or compared (`error.code === 'X'`, retry lists) must be registered.
    const named = /(?:\.code\s*===?\s*|RETRYABLE_CODES[^=]*=\s*\[[^\]]*?)'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;
    const unknown: string[] = [];
    for (const { path, text } of sources) {
      for (const match of text.matchAll(named)) {
        if (!registeredErrorCode(match[1] as string)) unknown.push(`${path.slice(packagesDir.length)}: ${match[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('lists every registered code in docs/errors.md', () => {
    const page = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
    const listed = new Set([...page.matchAll(/^\| `([A-Z_]+)` \| (\w+) \|/gm)].map((match) => `${match[1]} ${match[2]}`));
    const owned = registeredErrorCodes().filter((code) =>
      ['@rapport/core', '@rapport/storage-sql'].includes(registeredErrorCode(code)?.owner ?? ''),
    );
    expect(owned.filter((code) => !listed.has(`${code} ${registeredErrorCode(code)?.kind}`))).toEqual([]);
  });

  it('refuses a code that is not UPPER_SNAKE, or registered again with another kind', () => {
    expect(() =>
      defineErrorCodes('@example/bad', { Bad: { code: 'not-snake', kind: 'internal', details: errorDetails() } } as never),
    ).toThrow(/UPPER_SNAKE/);
    expect(() =>
      defineErrorCodes('@example/clash', {
        Clash: { code: 'CUSTOMER_NOT_FOUND', kind: 'conflict', details: errorDetails() },
      } as never),
    ).toThrow(/already registered by @rapport\/core with kind "not_found"/);
    // The same declaration again (a second copy of a package) is fine.
    const again = defineErrorCodes('@rapport/core', {
      CustomerNotFound: { code: 'CUSTOMER_NOT_FOUND', kind: 'not_found', details: errorDetails() },
    } as never);
    expect(again).toEqual({ CustomerNotFound: 'CUSTOMER_NOT_FOUND' });
  });

  it('gives a PluginError the kind registered for its code', () => {
    expect(new PluginError(CoreErrorCode.PluginInvalidOptions, 'p', 'bad').kind).toBe('invalid_input');
    expect(new PluginError(CoreErrorCode.PluginStartFailed, 'p', 'failed').kind).toBe('internal');
  });
});

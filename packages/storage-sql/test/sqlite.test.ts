import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrm, isRapportError } from '@rapport/core';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'rapport-sqlite-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pragma = async (storage: ReturnType<typeof sqlite>, name: string) => {
  const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(storage.db);
  return Object.values(rows[0] ?? {})[0];
};

describe('sqlite()', () => {
  it('fails with a typed invalid_input error naming filename when the file cannot be opened', () => {
    const error = (() => {
      try {
        sqlite({ filename: '/nonexistent/dir/x.db' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isRapportError(error, 'PLUGIN_INVALID_OPTIONS'), String(error)).toBe(true);
    const typed = error as { kind: string; message: string; details: { issues: { path: string[] }[] } };
    expect(typed.kind).toBe('invalid_input');
    expect(typed.details.issues[0]?.path).toEqual(['filename']);
    expect(typed.message).toContain('/nonexistent/dir/x.db');
  });

  it('opens a file with WAL, foreign keys on, a busy timeout and synchronous = NORMAL', async () => {
    const storage = sqlite({ filename: join(dir, 'settings.db') });
    expect(await pragma(storage, 'journal_mode')).toBe('wal');
    expect(await pragma(storage, 'foreign_keys')).toBe(1);
    expect(await pragma(storage, 'busy_timeout')).toBe(5000);
    expect(await pragma(storage, 'synchronous')).toBe(1);
    await storage.close();
  });

  it('takes a stricter synchronous level and another busy timeout', async () => {
    const storage = sqlite({ filename: join(dir, 'full.db'), synchronous: 'FULL', busyTimeoutMs: 250 });
    expect(await pragma(storage, 'synchronous')).toBe(2);
    expect(await pragma(storage, 'busy_timeout')).toBe(250);
    await storage.close();
  });

  it('rejects bad options, naming the field', () => {
    expect(() => sqlite({ filename: '' })).toThrow(/\[@rapport\/storage-sql\/sqlite\] invalid options — filename: /);
    expect(() => sqlite({ synchronous: 'SOMETIMES' as 'FULL' })).toThrow(/synchronous: /);
  });

  it('keeps data in the file across reopening', async () => {
    const filename = join(dir, 'persist.db');
    const first = await createCrm({ storage: sqlite({ filename }) });
    const { customer } = await first.customers.upsert({ identities: [{ type: 'email', value: 'kept@example.com' }] });
    await first.close();
    const second = await createCrm({ storage: sqlite({ filename }) });
    expect((await second.customers.find({ type: 'email', value: 'kept@example.com' }))?.id).toBe(customer.id);
    await second.close();
  });

  it('is the storage createCrm() uses when none is given', async () => {
    const previous = process.env.RAPPORT_SQLITE_FILE;
    process.env.RAPPORT_SQLITE_FILE = join(dir, 'default.db');
    try {
      const crm = await createCrm();
      expect(crm.storage.name).toBe('sqlite');
      await crm.customers.create({ identities: [{ type: 'email', value: 'default@example.com' }] });
      await crm.close();
    } finally {
      if (previous === undefined) delete process.env.RAPPORT_SQLITE_FILE;
      else process.env.RAPPORT_SQLITE_FILE = previous;
    }
  });

  it('fails calls after close with STORAGE_UNAVAILABLE', async () => {
    const storage = sqlite({ filename: ':memory:' });
    await storage.migrate();
    await storage.close();
    const error = await storage
      .forTenant('t')
      .customers.get('x')
      .catch((caught: unknown) => caught);
    expect(isRapportError(error, 'STORAGE_UNAVAILABLE')).toBe(true);
  });
});

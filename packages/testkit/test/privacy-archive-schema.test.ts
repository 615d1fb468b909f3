import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privacyArchiveJsonSchema } from '@rapport/core';
import { createTestCrm, plantCanaryPerson, privacyNotesPlugin, uniqueId } from '@rapport/testkit';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

// The published schema file the privacy guide links; regenerate with RAPPORT_WRITE_SCHEMA=1.
const SCHEMA_FILE = join(import.meta.dirname, '..', '..', '..', 'docs', 'privacy-archive.schema.json');
const generated = `${JSON.stringify(privacyArchiveJsonSchema(), null, 2)}\n`;
if (process.env.RAPPORT_WRITE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, generated);

describe('the privacy archive JSON Schema', () => {
  it('is published in docs/ as generated from the zod schema', () => {
    expect(existsSync(SCHEMA_FILE), `${SCHEMA_FILE} is missing; run with RAPPORT_WRITE_SCHEMA=1`).toBe(true);
    // Compared as JSON: the formatter may lay the file out its own way.
    expect(
      JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')),
      'docs/privacy-archive.schema.json is stale; run with RAPPORT_WRITE_SCHEMA=1',
    ).toEqual(privacyArchiveJsonSchema());
  });

  it('validates a real export (with a plugin table no code was written for) and rejects a broken one', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    const crm = await createTestCrm({ plugins: [privacyNotesPlugin()] });
    const person = await plantCanaryPerson(crm, uniqueId('schema'));
    const archive = await crm.privacy.export(person.customerId);
    expect(validate(archive), JSON.stringify(validate.errors)).toBe(true);
    expect(archive.tables.map((table) => table.table)).toEqual(['notes']);
    expect(validate({ ...archive, interactions: [{ id: 1 }] })).toBe(false);
    expect(validate({ ...archive, format: 'something-else' })).toBe(false);
    await crm.close();
  });
});

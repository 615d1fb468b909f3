import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlite } from '@rapport/storage-sql/sqlite';
import { runQuickstart } from './quickstart.js';

// A real SQLite file, made afresh on each run so the story starts from an empty database.
const filename = process.env.QUICKSTART_DB ?? join(tmpdir(), 'rapport-quickstart.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(`${filename}${suffix}`, { force: true });

const crm = await runQuickstart(sqlite({ filename }), (line) => console.log(line));
await crm.close();
console.log(`\nThe data is in ${filename} (open it with any SQLite client).`);

// Run by plain Node: imports one built entry point of @rapport/storage-sql (by the package's own
// name) with the packages in RAPPORT_FORBID unresolvable, and prints what it exports or the error.
import { register } from 'node:module';

register('./forbid-hooks.mjs', import.meta.url);
try {
  const entry = await import(process.argv[2]);
  console.log(JSON.stringify({ exports: Object.keys(entry).sort() }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error.message ?? error) }));
}

// Run by plain Node: opens a server storage from its built entry with its driver (named in
// RAPPORT_FORBID) unresolvable, and prints the error it fails with.
import { register } from 'node:module';

register('./forbid-hooks.mjs', import.meta.url);
const [entry, factory, options] = process.argv.slice(2);
try {
  const module = await import(entry);
  await module[factory](JSON.parse(options));
  console.log(JSON.stringify({ opened: true }));
} catch (error) {
  console.log(JSON.stringify({ name: error.name, code: error.code, dependency: error.details?.dependency, message: error.message }));
}

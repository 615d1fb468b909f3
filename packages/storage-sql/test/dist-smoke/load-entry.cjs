// Run by plain Node: requires one built entry point of @rapport/storage-sql (by the package's own
// name) and prints what it exports and which packages from node_modules are then in require.cache.
const entry = require(process.argv[2]);
const loaded = new Set();
for (const file of Object.keys(require.cache)) {
  const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*node_modules)/.exec(file);
  if (match) loaded.add(match[1].replace('\\', '/'));
}
console.log(JSON.stringify({ exports: Object.keys(entry).sort(), loaded: [...loaded].sort() }));

// Module hooks for load-entry.mjs: resolving a package named in RAPPORT_FORBID fails, so an
// entry point that imports it (directly or through any file it loads) cannot be imported.
const forbidden = new Set((process.env.RAPPORT_FORBID ?? '').split(',').filter(Boolean));

export async function resolve(specifier, context, nextResolve) {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (forbidden.has(name)) throw new Error(`forbidden module loaded: ${specifier}`);
  return nextResolve(specifier, context);
}

// Run by plain Node: which names the built root entry exports (CommonJS).
const core = require('@rapport/core');

const names = ['createCrm', 'memoryStorage', 'definePlugin', 'TENANT_STORE', 'encodeCursor'];
console.log(JSON.stringify({ rootHas: Object.fromEntries(names.map((name) => [name, name in core])) }));

// Run by plain Node: which names the built root entry exports (ESM).
import * as core from '@rapport/core';

const names = ['createCrm', 'memoryStorage', 'definePlugin', 'TENANT_STORE', 'encodeCursor'];
console.log(JSON.stringify({ rootHas: Object.fromEntries(names.map((name) => [name, name in core])) }));

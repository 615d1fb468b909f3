// Run by plain Node from the package directory (self-reference): the built entry points share
// one copy of each class.
require('reflect-metadata');
const core = require('@rapport/core');
const plugin = require('@rapport/core/plugin');
const storage = require('@rapport/core/storage');

console.log(
  JSON.stringify({
    sameEventBus: core.EventBus === plugin.EventBus,
    samePluginError: new plugin.PluginError('X', 'p', 'm') instanceof core.PluginError,
    sameTenantStoreToken: plugin.TENANT_STORE === Symbol.for('rapport:tenant-store') && typeof storage.encodeCursor === 'function',
    sameValidationError: core.ValidationError === plugin.ValidationError,
  }),
);

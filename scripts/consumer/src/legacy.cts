// A CommonJS file of the same app: core and storage-sql resolve to their require builds.
import core = require('@rapport/core');
import plugin = require('@rapport/core/plugin');
import storageSql = require('@rapport/storage-sql/sqlite');

const start = () => core.createCrm({ storage: storageSql.sqlite({ filename: ':memory:' }) });
export = { start, token: plugin.TENANT_STORE };

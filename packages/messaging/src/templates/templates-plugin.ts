import { definePlugin, parsePluginOptions, type TenantContext } from '@rapport/core/plugin';
import { type TemplateOptions, TemplateOptionsSchema } from './template-options.js';
import { createTemplateRuntime, type TemplateRuntime } from './template-runtime.js';
import { TemplateService } from './template-service.js';
import { templatesTable } from './template-tables.js';

/** The plugin name of the stand-alone templates module. */
export const TEMPLATES_PLUGIN = '@rapport/messaging-templates';

/** The tables the templates module owns (for a plugin that folds it in). */
export const templateTables = [templatesTable] as const;

/** `crm.templates` for one tenant: what the `api` factory returns. */
export function templatesApi(tenant: TenantContext, runtime: TemplateRuntime): TemplateService {
  return new TemplateService(tenant, runtime);
}

/**
 * Versioned Liquid templates as a plugin of their own: `crm.templates.save / get / list /
 * versions / preview / render`. The messaging hub folds the same parts (`templateTables`,
 * `createTemplateRuntime`, `templatesApi`) into `messaging()`.
 */
export const messagingTemplates = (options: TemplateOptions = {}) => {
  let runtime: TemplateRuntime = createTemplateRuntime(TemplateOptionsSchema.parse({}));
  return definePlugin({
    name: TEMPLATES_PLUGIN,
    tables: [...templateTables],
    register() {
      runtime = createTemplateRuntime(parsePluginOptions(TEMPLATES_PLUGIN, TemplateOptionsSchema, options));
    },
    api: { templates: (tenant) => templatesApi(tenant, runtime) },
  });
};

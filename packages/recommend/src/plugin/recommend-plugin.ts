import type { EventListener } from '@rapport/core';
import { definePlugin, defineToken, parsePluginOptions } from '@rapport/core/plugin';
// Types only (the contribution point `templateVariables` is declared by the messaging hub); nothing is loaded at run time.
import type { TemplateVariableContribution } from '@rapport/messaging';
import { feedbackRows } from './feedback-log.js';
import { type RecommendPluginOptions, RecommendPluginOptionsSchema, type ResolvedRecommendOptions } from './recommend-options.js';
import { Recommendations, TRAIN_JOB_TYPE } from './recommendations-api.js';
import { feedbackTable, recommendTables } from './tables.js';
import { type CrmWithRecommendations, describeItems, recommendationsForTemplate } from './template-recommendations.js';

/** The plugin's name. */
export const RECOMMEND_PLUGIN = '@rapport/recommend';

declare module '@rapport/core' {
  interface RapportEvents {
    /** A training run stored and activated a new model version. */
    'recommend.trained': { tenantId: string; version: number; eventCount: number };
  }
}

/** Each tenant's {@link Recommendations} of one Crm, so the interaction listener reaches the loaded ones. */
const TENANTS = defineToken<Map<string, Recommendations>>('rapport:recommend:tenants');

/**
 * Recommendations as a plugin: the catalogue and the models in plugin tables on every
 * storage, training as a job (`crm.recommendations.train()`, optionally on a cron schedule),
 * item-kNN counts and histories updated as interactions arrive, and `crm.recommendations`
 * per tenant. See docs/recommend.md.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ plugins: [recommend({ recommenders: ['item-knn', 'popularity'] })] });
 * await crm.recommendations.upsertItems([{ id: 'tea', title: 'Teapot', categoryPath: ['home'], price: 30 }]);
 * const { items } = await crm.recommendations.forCustomer('c-1', { k: 10 });
 * ```
 */
export const recommend = (options: RecommendPluginOptions = {}) => {
  let parsed: ResolvedRecommendOptions = RecommendPluginOptionsSchema.parse({});
  let unsubscribe: (() => void) | null = null;
  return definePlugin({
    name: RECOMMEND_PLUGIN,
    tables: recommendTables,
    register({ container }) {
      parsed = parsePluginOptions(RECOMMEND_PLUGIN, RecommendPluginOptionsSchema, options);
      container.value(TENANTS, new Map());
    },
    async start({ container, events, crm }) {
      const tenants = container.resolve(TENANTS);
      // After the commit, in this process: the tenant's loaded models take the feedback at once.
      const listener: EventListener<'interaction.recorded'> = ({ tenantId, interaction }) => tenants.get(tenantId)?.observe(interaction);
      unsubscribe = events.on('interaction.recorded', listener);
      if (parsed.schedule)
        await (crm as unknown as CrmWithRecommendations).recommendations.schedule(parsed.schedule.cron, parsed.schedule.timezone);
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
    },
    hooks: {
      // In the interaction's own transaction: the feedback row commits with it or not at all.
      'interaction.beforeRecord': async (interaction, { store, clock }) => {
        const rows = feedbackRows(interaction, parsed.mapping, clock.now());
        for (const row of rows) await store.table(feedbackTable).upsert(row);
      },
    },
    contributes: {
      // `crm.profile(id, { include: ['recommendations'] })`: the customer's top items beside the 360° view.
      profileSections: [
        {
          name: 'recommendations',
          read: async ({ crm, customerId }) => {
            const api = (crm as unknown as CrmWithRecommendations).recommendations;
            const result = await api.forCustomer(customerId, { k: parsed.profileK });
            return { ...result, items: await describeItems(api, result) };
          },
        },
      ],
      // With `@rapport/messaging`, every template can read `recommendations` (computed only for templates that do).
      templateVariables: [
        {
          name: 'recommendations',
          read: ({ crm, customerId }) => recommendationsForTemplate(crm as unknown as CrmWithRecommendations, customerId, parsed.templateK),
        } satisfies TemplateVariableContribution,
      ],
    },
    jobs: {
      [TRAIN_JOB_TYPE]: {
        handler: async ({ crm }) => {
          await (crm as unknown as CrmWithRecommendations).recommendations.trainNow();
        },
        maxAttempts: 3,
        backoffMs: 60_000,
      },
    },
    api: {
      recommendations: (tenant) => {
        const api = new Recommendations(tenant, parsed);
        tenant.resolve(TENANTS).set(tenant.tenantId, api);
        return api;
      },
    },
  });
};

import { column, definePlugin, defineTable, parsePluginOptions, type TenantContext } from '@rapport/core/plugin';
import { z } from 'zod';

/** One row per stamp earned: a purchase's id, the customer, and the reward that used it up. */
export const stampsTable = defineTable('stamps', {
  columns: {
    id: column.text({ maxLength: 128 }),
    customerId: column.text({ maxLength: 64 }).customerRef(), // moves to the survivor on a merge
    earnedAt: column.timestamp(),
    rewardId: column.text({ maxLength: 64 }).nullable(),
  },
  primaryKey: ['id'],
  indexes: [['customerId', 'earnedAt']],
});

// The plugin's event joins the Crm's typed event map.
declare module '@rapport/core' {
  interface RapportEvents {
    'stamps.rewarded': { tenantId: string; customerId: string; rewardId: string };
  }
}

export const StampsOptionsSchema = z.object({
  /** Stamps a reward costs. */
  perReward: z.number().int().min(1).max(100).default(10),
  /** Interaction types that earn a stamp. */
  earnOn: z.array(z.string().min(1)).min(1).default(['purchase']),
});
export type StampsOptions = z.output<typeof StampsOptionsSchema>;

/** `crm.stamps`: one tenant's stamp cards. */
export class StampCards {
  constructor(
    private readonly tenant: TenantContext,
    private readonly options: StampsOptions,
  ) {}

  /** Stamps the customer holds that no reward has used yet. */
  balance(customerId: string): Promise<number> {
    return this.tenant.store.table(stampsTable).count({ customerId, rewardId: null });
  }

  /**
   * Spends `perReward` stamps on a reward, and queues the job that issues it — both in one
   * transaction, so a reward is never paid for without being issued, nor issued twice.
   */
  async redeem(customerId: string): Promise<{ rewardId: string } | null> {
    const rewardId = this.tenant.ids.next();
    const { perReward } = this.options;
    return this.tenant.store
      .transaction(async (tx) => {
        const stamps = tx.table(stampsTable);
        const page = await stamps.find({ where: { customerId, rewardId: null }, orderBy: [{ column: 'earnedAt' }], limit: perReward });
        if (page.items.length < perReward) return null;
        for (const stamp of page.items) {
          // A concurrent redeem that took this stamp first makes this update not apply: give up whole.
          const { applied } = await stamps.update({ id: stamp.id }, { rewardId }, { where: { rewardId: null } });
          if (!applied) throw new StampTakenError();
        }
        await this.tenant.jobs.enqueue({ type: 'stamps.issue-reward', payload: { customerId, rewardId } }, { in: tx });
        return { rewardId };
      })
      .catch((error: unknown) => {
        if (error instanceof StampTakenError) return null;
        throw error;
      });
  }
}

class StampTakenError extends Error {}

/**
 * A loyalty stamp card: a purchase earns a stamp (a hook writes it in the purchase's own
 * transaction), `crm.stamps.redeem()` spends them, and a job issues the reward.
 */
export const stamps = (options: z.input<typeof StampsOptionsSchema> = {}) => {
  let parsed: StampsOptions = StampsOptionsSchema.parse({});
  return definePlugin({
    name: 'acme-stamps',
    tables: [stampsTable],
    register() {
      parsed = parsePluginOptions('acme-stamps', StampsOptionsSchema, options);
    },
    hooks: {
      'interaction.beforeRecord': async (interaction, { store }) => {
        if (!parsed.earnOn.includes(interaction.type)) return;
        // Keyed by the interaction, so a retried write stores one stamp, never two.
        const id = interaction.idempotencyKey ?? interaction.id;
        await store.table(stampsTable).upsert({ id, customerId: interaction.customerId, earnedAt: interaction.occurredAt });
      },
    },
    jobs: {
      'stamps.issue-reward': async ({ job, crm, idempotencyKey }) => {
        const { customerId, rewardId } = job.payload as { customerId: string; rewardId: string };
        // The job id as idempotency key: a job run twice (at least once) records one reward.
        await crm.interactions.record({ customerId, channel: 'loyalty', type: 'reward.issued', properties: { rewardId }, idempotencyKey });
        crm.events.emit('stamps.rewarded', { tenantId: crm.tenantId, customerId, rewardId });
      },
    },
    api: { stamps: (tenant) => new StampCards(tenant, parsed) },
  });
};

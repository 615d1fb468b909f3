import {
  definePlugin,
  defineToken,
  inject,
  parsePluginOptions,
  service,
  TENANT_CONTEXT,
  type TenantContext,
  type Token,
} from '@rapport/core/plugin';
import { z } from 'zod';

export const GreeterOptionsSchema = z.object({ greeting: z.string().min(1).default('Hello') });
export type GreeterOptions = z.output<typeof GreeterOptionsSchema>;
export const GREETER_OPTIONS: Token<GreeterOptions> = defineToken('acme-greeter:options');

@service()
export class Greeter {
  constructor(
    @inject(TENANT_CONTEXT) private readonly tenant: TenantContext,
    @inject(GREETER_OPTIONS) private readonly options: GreeterOptions,
  ) {}

  async greet(customerId: string): Promise<string> {
    const customer = await this.tenant.crm.customers.get(customerId);
    return `${this.options.greeting}, ${customer.traits.name ?? 'friend'}!`;
  }
}

export const greeter = (options: z.input<typeof GreeterOptionsSchema> = {}) =>
  definePlugin({
    name: 'acme-greeter',
    dependsOn: [], // names of plugins that must register first
    register({ container }) {
      // Parsed here, so bad options fail createCrm with PLUGIN_INVALID_OPTIONS naming the field.
      container.value(GREETER_OPTIONS, parsePluginOptions('acme-greeter', GreeterOptionsSchema, options));
      // One instance per tenant, its constructor parameters injected by their tokens.
      container.service(Greeter);
    },
    // crm.greeter and crm.forTenant(id).greeter: that tenant's Greeter.
    api: { greeter: (tenant) => tenant.resolve(Greeter) },
  });

import { definePlugin, defineToken, parsePluginOptions, type TenantContext, type Token } from '@rapport/core/plugin';
import type { z } from 'zod';
import { type GreeterOptions, GreeterOptionsSchema } from './greeter-plugin.js';

export class PlainGreeter {
  constructor(
    private readonly tenant: TenantContext,
    private readonly options: GreeterOptions,
  ) {}

  async greet(customerId: string): Promise<string> {
    const customer = await this.tenant.crm.customers.get(customerId);
    return `${this.options.greeting}, ${customer.traits.name ?? 'friend'}!`;
  }
}

const PLAIN_GREETER_OPTIONS: Token<GreeterOptions> = defineToken('acme-plain-greeter:options');

export const plainGreeter = (options: z.input<typeof GreeterOptionsSchema> = {}) =>
  definePlugin({
    name: 'acme-plain-greeter',
    register({ container }) {
      container.value(PLAIN_GREETER_OPTIONS, parsePluginOptions('acme-plain-greeter', GreeterOptionsSchema, options));
    },
    // Called once per tenant with that tenant's context: no decorators, no service class registration.
    api: { greeter: (tenant) => new PlainGreeter(tenant, tenant.resolve(PLAIN_GREETER_OPTIONS)) },
  });

import { CustomerService } from '@rapport/core';
import { definePlugin, parsePluginOptions, service } from '@rapport/core/plugin';
import { type InjectionToken, inject, Lifecycle } from 'tsyringe';
import { z } from 'zod';

export const GreeterOptionsSchema = z.object({ greeting: z.string().min(1).default('Hello') });
export type GreeterOptions = z.output<typeof GreeterOptionsSchema>;
export const GREETER_OPTIONS: InjectionToken<GreeterOptions> = Symbol.for('acme:greeter-options');

@service()
export class Greeter {
  constructor(
    @inject(CustomerService) private readonly customers: CustomerService,
    @inject(GREETER_OPTIONS) private readonly options: GreeterOptions,
  ) {}

  async greet(customerId: string): Promise<string> {
    const customer = await this.customers.get(customerId);
    return `${this.options.greeting}, ${customer.traits.name ?? 'friend'}!`;
  }
}

export const greeter = (options: z.input<typeof GreeterOptionsSchema> = {}) =>
  definePlugin({
    name: 'acme-greeter',
    dependsOn: [], // names of plugins that must register first
    register({ container }) {
      // Parsed here, so bad options fail createCrm with PLUGIN_INVALID_OPTIONS naming the field.
      const parsed = parsePluginOptions('acme-greeter', GreeterOptionsSchema, options);
      container.register(GREETER_OPTIONS, { useValue: parsed });
      // One instance per tenant container (crm.container, crm.forTenant(id).container).
      container.register(Greeter, { useClass: Greeter }, { lifecycle: Lifecycle.ContainerScoped });
    },
  });

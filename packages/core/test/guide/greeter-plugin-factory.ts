import { CustomerService } from '@rapport/core';
import { definePlugin, parsePluginOptions } from '@rapport/core/plugin';
import { instancePerContainerCachingFactory } from 'tsyringe';
import type { z } from 'zod';
import { type GreeterOptions, GreeterOptionsSchema } from './greeter-plugin.js';

export class PlainGreeter {
  constructor(
    private readonly customers: CustomerService,
    private readonly options: GreeterOptions,
  ) {}

  async greet(customerId: string): Promise<string> {
    const customer = await this.customers.get(customerId);
    return `${this.options.greeting}, ${customer.traits.name ?? 'friend'}!`;
  }
}

export const plainGreeter = (options: z.input<typeof GreeterOptionsSchema> = {}) =>
  definePlugin({
    name: 'acme-plain-greeter',
    register({ container }) {
      const parsed = parsePluginOptions('acme-plain-greeter', GreeterOptionsSchema, options);
      // The factory gets the container resolving it: one instance per tenant container.
      container.register(PlainGreeter, {
        useFactory: instancePerContainerCachingFactory(
          (scope) => new PlainGreeter(scope.resolve<CustomerService>(CustomerService), parsed),
        ),
      });
    },
  });

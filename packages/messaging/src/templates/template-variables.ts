import type { Crm } from '@rapport/core';

/**
 * A variable a plugin offers every message template (`contributes: { templateVariables: [...] }`),
 * e.g. `recommendations` from `@rapport/recommend`. The hub computes it at send time only when
 * the template being rendered reads a variable of that name and the sender did not pass one,
 * so templates that do not use it cost nothing. Names are unique across plugins: two
 * contributing one name fail `createCrm` with `PLUGIN_CONTRIBUTION_CONFLICT`.
 */
export interface TemplateVariableContribution {
  /** The variable's name in templates, e.g. `recommendations`. */
  readonly name: string;
  /** The value for one message: the customer it goes to, the channel and the template key. */
  read(context: { crm: Crm; customerId: string; channel: string; template: string }): Promise<unknown>;
}

declare module '@rapport/core' {
  interface ContributionPoints {
    templateVariables: TemplateVariableContribution;
  }
}

/** The installed `templateVariables` contributions for one message, as a render request's `provided`. */
export function providedVariables(
  crm: Crm,
  message: { customerId: string; channel: string; template: string },
): Record<string, () => Promise<unknown>> | undefined {
  const contributed = crm.contributions.of('templateVariables');
  if (contributed.length === 0) return undefined;
  const provided: Record<string, () => Promise<unknown>> = {};
  // Names are unique: createCrm refuses two contributions of one name.
  for (const { value } of contributed) provided[value.name] = () => value.read({ crm, ...message });
  return provided;
}

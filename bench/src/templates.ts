import { createCrm, memoryStorage } from '@rapport/core';
import { CompiledTemplate, messagingTemplates, TemplateEngine } from '@rapport/messaging';
import { Liquid } from 'liquidjs';
import { peakRssMiB } from './machine.js';

/** One row of the template-rendering benchmark. */
export interface TemplatesResult {
  case: string;
  renders: number;
  perSecond: number;
  /** Renders per second of this process's CPU time (user + system): what a core gives when the machine is shared. */
  perCpuSecond: number;
  /** Renders per second of this case ÷ the template literal's, measured in the same run. */
  vsLiteral: number;
  /** Renders per second of this case ÷ bare liquidjs's (`renderSync`, default options), measured in the same run. */
  vsLiquidjs: number;
  peakRssMiB: number;
}

/** The ten variables: the customer's traits and metrics and the sender's own, as the hub passes them. */
const VARIABLES = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  city: 'London',
  tier: 'gold',
  points: 1_250,
  orderId: 'A-10042',
  total: '£42.50',
  items: 3,
  shipDate: '4 December',
  shopName: 'Tea & Cake',
} as const;
type Variables = typeof VARIABLES;

const LIQUID =
  'Hi {{ firstName }} {{ lastName }} from {{ city }}! Your {{ tier }} card holds {{ points }} points. ' +
  'Order {{ orderId }} ({{ items }} items, {{ total }}) ships {{ shipDate }}. — {{ shopName }}';
const HTML = `<p>${LIQUID}</p>`;

/** The baseline: the same output from a JavaScript template literal (async, as a render is). */
async function literal(v: Variables): Promise<string> {
  return (
    `Hi ${v.firstName} ${v.lastName} from ${v.city}! Your ${v.tier} card holds ${v.points} points. ` +
    `Order ${v.orderId} (${v.items} items, ${v.total}) ships ${v.shipDate}. — ${v.shopName}`
  );
}

const CHUNK = 1_000;

/**
 * Renders a 10-variable template `renders` times each way — a literal, bare liquidjs, the parsed Liquid text
 * part, its HTML part (escaped), and `crm.templates.render` (the stored latest version, its
 * locale resolved, the parse cached) — alternating in chunks of 1,000 so all meet the same
 * moments of the machine.
 */
export async function templatesBench(renders: number): Promise<TemplatesResult[]> {
  const engine = new TemplateEngine();
  const textOnly = CompiledTemplate.compile(engine, 'bench', { text: LIQUID });
  const withHtml = CompiledTemplate.compile(engine, 'bench', { text: LIQUID, html: HTML });
  const bare = new Liquid();
  const bareTemplate = bare.parse(LIQUID);
  const crm = await createCrm({ storage: memoryStorage(), plugins: [messagingTemplates()] });
  await crm.templates.save({ key: 'bench', channel: 'email', locale: 'en', text: LIQUID });
  const identity = { template: 'bench', version: 1, locale: 'en' };
  const expected = await literal(VARIABLES);
  const checks = [
    bare.renderSync(bareTemplate, VARIABLES),
    (await textOnly.render(identity, VARIABLES)).text,
    (await withHtml.render(identity, VARIABLES)).text,
    (await crm.templates.render({ template: 'bench', channel: 'email', locale: 'en-GB', variables: VARIABLES })).content.text,
  ];
  if (checks.some((text) => text !== expected)) throw new Error(`templates bench: outputs differ: ${JSON.stringify(checks)}`);

  const cases = {
    'template literal (baseline)': () => literal(VARIABLES),
    'bare liquidjs renderSync (library baseline)': async () => bare.renderSync(bareTemplate, VARIABLES),
    'Liquid text, parsed once': () => textOnly.render(identity, VARIABLES),
    'Liquid text + html (escaped), parsed once': () => withHtml.render(identity, VARIABLES),
    'crm.templates.render (memory storage)': () =>
      crm.templates.render({ template: 'bench', channel: 'email', locale: 'en-GB', variables: VARIABLES }),
  };
  const spent = Object.fromEntries(Object.keys(cases).map((name) => [name, 0])) as Record<keyof typeof cases, number>;
  const cpu = { ...spent };
  for (let done = 0; done < renders; done += CHUNK) {
    for (const [name, render] of Object.entries(cases) as [keyof typeof cases, () => Promise<unknown>][]) {
      const start = process.hrtime.bigint();
      const cpuStart = process.cpuUsage();
      for (let n = 0; n < CHUNK; n++) await render();
      const used = process.cpuUsage(cpuStart);
      spent[name] += Number(process.hrtime.bigint() - start) / 1e6;
      cpu[name] += (used.user + used.system) / 1000;
    }
  }
  await crm.close();
  const total = Math.ceil(renders / CHUNK) * CHUNK;
  const perSecond = (name: keyof typeof cases) => (total / spent[name]) * 1000;
  const baseline = perSecond('template literal (baseline)');
  const library = perSecond('bare liquidjs renderSync (library baseline)');
  return (Object.keys(cases) as (keyof typeof cases)[]).map((name) => ({
    case: name,
    renders: total,
    perSecond: Math.round(perSecond(name)),
    perCpuSecond: Math.round((total / cpu[name]) * 1000),
    vsLiteral: Math.round((perSecond(name) / baseline) * 1000) / 1000,
    vsLiquidjs: Math.round((perSecond(name) / library) * 100) / 100,
    peakRssMiB: Math.round(peakRssMiB()),
  }));
}

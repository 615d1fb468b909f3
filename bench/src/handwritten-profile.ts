/**
 * The 360° profile written by hand for these tables, the way an engineer would for one
 * database: the customer row with its small parts as JSON arrays, and the latest 20
 * interactions with the count the bench segment needs; the segment is then checked in code.
 * Measured beside `crm.profile()` so the report can tell the database's and machine's own
 * latency from what Rapport adds.
 */

type Dialect = 'postgres' | 'sqlite';

/** `json_agg` / `json_build_object` on PostgreSQL, `json_group_array` / `json_object` on SQLite. */
function jsonArray(dialect: Dialect, fields: string[], orderBy: string): string {
  const object = `${dialect === 'postgres' ? 'json_build_object' : 'json_object'}(${fields.map((field) => `'${field}', r.${field}`).join(', ')})`;
  return dialect === 'postgres'
    ? `coalesce(json_agg(${object} order by ${orderBy}), '[]'::json)`
    : `json_group_array(${object} order by ${orderBy})`;
}

const POSITIONS = { tenant: 1, customer: 2, from: 3, to: 4 } as const;

/**
 * The two statements. Parameters: `$1` tenant, `$2` customer id, `$3` / `$4` the window on
 * PostgreSQL; `@tenant`, `@customer`, `@from`, `@to` on SQLite.
 */
export function handwrittenProfileSql(dialect: Dialect): { customer: string; timeline: string } {
  const p = (name: keyof typeof POSITIONS) => (dialect === 'postgres' ? `$${POSITIONS[name]}` : `@${name}`);
  const part = (table: string, fields: string[], orderBy: string) =>
    `(select ${jsonArray(dialect, fields, orderBy)} from ${table} r where r.tenant_id = ${p('tenant')} and r.customer_id = ${p('customer')})`;
  const customer = `select c.*,
      ${part('rapport_identities', ['type', 'namespace', 'value'], 'r.created_at')} as identities,
      ${part('rapport_consents', ['purpose', 'channel', 'status', 'source', 'notice_version', 'proof', 'occurred_at', 'recorded_at'], 'r.occurred_at, r.recorded_at, r.id')} as consents,
      ${part('rapport_customer_tags', ['tag'], 'r.tag')} as tags,
      ${part('rapport_customer_channels', ['channel', 'last_seen_at'], 'r.channel')} as channels,
      ${part('rapport_segment_members', ['segment_key', 'entered_at'], 'r.segment_key')} as memberships
    from rapport_customers c where c.tenant_id = ${p('tenant')} and c.id = ${p('customer')} and c.merged_into is null`;
  const timeline = `select i.*, (select count(*) from rapport_interactions e
        where e.tenant_id = ${p('tenant')} and e.customer_id = ${p('customer')} and e.type = 'purchase' and e.occurred_at >= ${p('from')} and e.occurred_at <= ${p('to')}) as purchases
    from rapport_interactions i where i.tenant_id = ${p('tenant')} and i.customer_id = ${p('customer')} order by i.occurred_at desc, i.id desc limit 20`;
  return { customer, timeline };
}

interface ConsentRow {
  purpose: string;
  channel: string;
  status: string;
  occurred_at: number;
}

/**
 * The bench segment checked in code from the two statements' rows: ≥ 2 purchases in the
 * window, total spend ≥ 500, and the latest e-mail (or every-channel) marketing consent granted.
 */
export function matchesBenchSegment(customer: Record<string, unknown>, purchases: number): boolean {
  const consents = (typeof customer.consents === 'string' ? JSON.parse(customer.consents) : customer.consents) as ConsentRow[];
  const latest = consents
    .filter((consent) => consent.purpose === 'marketing' && (consent.channel === 'email' || consent.channel === '*'))
    .reduce<ConsentRow | undefined>(
      (last, consent) => (last === undefined || Number(consent.occurred_at) >= Number(last.occurred_at) ? consent : last),
      undefined,
    );
  return purchases >= 2 && Number(customer.total_spend) >= 500 && latest?.status === 'granted';
}

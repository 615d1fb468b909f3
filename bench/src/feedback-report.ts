import type { FeedbackSeriesResult, FeedbackSlaResult } from './feedback.js';

const fmt = (value: number, digits = 0) => value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pass = (ok: boolean) => (ok ? 'yes' : '**no**');

/** The feedback section of docs/benchmarks.md: score series and SLA timer lateness, with the goals. */
export function renderFeedback(results: { series: FeedbackSeriesResult; sla: FeedbackSlaResult }[]): string[] {
  if (results.length === 0) return [];
  return [
    '## Feedback',
    '',
    '`crm.feedback.scores` by month over a year of responses (half NPS, half CSAT; counted in SQL by one',
    'GROUP BY, the periods mapped by a CASE), median of 5, beside a hand-written GROUP BY on the month',
    'for the NPS counts. Goal: < 1 s for 1,000,000 responses (`--size full`).',
    '',
    '| database | responses | NPS series ms | CSAT series ms | hand-written ms | ratio | goal met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map(
      ({ series: row }) =>
        `| ${row.target} | ${fmt(row.responses)} | ${fmt(row.npsMs, 1)} | ${fmt(row.csatMs, 1)} | ${fmt(row.rawMs, 1)} | ${fmt(row.ratio, 2)} | ${pass(Math.max(row.npsMs, row.csatMs) < 1000)} |`,
    ),
    '',
    'SLA timers: open tickets with pending breach timers, some due in a 30-second window, while interactions',
    'are ingested in batches of 500 (4 workers). Lateness is from the due time to the `ticket.sla.breached`',
    'event; the baseline is a no-op job due at the same instant. Goal: every breach within 1 minute.',
    '',
    '| database | open tickets | due in window | fired | max late ms | p99 late ms | no-op job max late ms | ingested / s | goal met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map(
      ({ sla: row }) =>
        `| ${row.target} | ${fmt(row.openTickets)} | ${fmt(row.dueInWindow)} | ${fmt(row.fired)} | ${fmt(row.maxLatenessMs)} | ${fmt(row.p99LatenessMs)} | ${fmt(row.baselineMaxLatenessMs)} | ${fmt(row.ingestedPerSecond)} | ${pass(row.fired === row.dueInWindow && row.maxLatenessMs < 60_000)} |`,
    ),
    '',
  ];
}

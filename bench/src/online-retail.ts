import { readFileSync } from 'node:fs';
import type { FeedbackEvent, TrainingSet } from '@rapport/recommend';
import { parse } from 'csv-parse/sync';

/** Stock codes that are fees and adjustments, not products (postage, manual, bank charges, …). */
const NON_PRODUCT = /^(POST|DOT|M|D|C2|CRUK|PADS|BANK CHARGES|AMAZONFEE|S|B|gift_\d+.*)$/i;

/** What the loader did with each line of the file. */
export interface OnlineRetailReport {
  lines: number;
  used: number;
  cancellations: number;
  nonPositiveQuantity: number;
  missingCustomer: number;
  nonPositivePrice: number;
  nonProduct: number;
  badDate: number;
  customers: number;
  items: number;
  invoices: number;
  first: string;
  last: string;
}

/**
 * Reads the Online Retail sample into purchases: one feedback event per invoice line, the
 * invoice as basket, the country as store. Cancellations (`C…` invoices), lines with a
 * quantity or price of zero or less, lines without a customer and fee codes are dropped and
 * counted; the customer id `12923.0` becomes `12923`.
 */
export function loadOnlineRetail(path: string): { data: TrainingSet; report: OnlineRetailReport } {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const report: OnlineRetailReport = {
    lines: rows.length,
    used: 0,
    cancellations: 0,
    nonPositiveQuantity: 0,
    missingCustomer: 0,
    nonPositivePrice: 0,
    nonProduct: 0,
    badDate: 0,
    customers: 0,
    items: 0,
    invoices: 0,
    first: '',
    last: '',
  };
  const events: FeedbackEvent[] = [];
  for (const row of rows) {
    const invoice = row.InvoiceNo ?? '';
    const code = (row.StockCode ?? '').toUpperCase();
    const customer = (row.CustomerID ?? '').replace(/\.0+$/, '');
    const quantity = Number(row.Quantity);
    const price = Number(row.UnitPrice);
    const at = Date.parse(`${(row.InvoiceDate ?? '').replace(' ', 'T')}Z`);
    if (invoice.startsWith('C')) report.cancellations++;
    else if (!(quantity > 0)) report.nonPositiveQuantity++;
    else if (customer === '') report.missingCustomer++;
    else if (!(price > 0)) report.nonPositivePrice++;
    else if (code === '' || NON_PRODUCT.test(code)) report.nonProduct++;
    else if (Number.isNaN(at)) report.badDate++;
    else {
      report.used++;
      events.push({ customerId: customer, itemId: code, weight: 3, type: 'purchase', at, basketId: invoice, storeId: row.Country || null });
    }
  }
  report.customers = new Set(events.map((event) => event.customerId)).size;
  report.items = new Set(events.map((event) => event.itemId)).size;
  report.invoices = new Set(events.map((event) => event.basketId)).size;
  const times = events.map((event) => event.at).sort((a, b) => a - b);
  report.first = new Date(times[0] ?? 0).toISOString().slice(0, 10);
  report.last = new Date(times.at(-1) ?? 0).toISOString().slice(0, 10);
  return { data: { events }, report };
}

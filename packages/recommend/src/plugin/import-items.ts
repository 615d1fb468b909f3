import { parse } from 'csv-parse/sync';

/** Options of {@link parseItemsCsv}. */
export interface CsvImportOptions {
  /** Field separator. @default ',' */
  delimiter?: string;
  /** Separator of the category path in the `category` column (`home/kitchen`). @default '/' */
  categorySeparator?: string;
}

/** The columns a catalogue CSV has; any other column becomes an attribute. */
const KNOWN = new Set(['id', 'title', 'category', 'price', 'availability']);

/**
 * Reads catalogue rows from CSV text with a header row (`id,title,category,price,availability`,
 * further columns become string attributes), parsed by csv-parse. The rows are not validated
 * here: `upsertItems` does it, naming the row and the field of each bad one.
 */
export function parseItemsCsv(csv: string, options: CsvImportOptions = {}): Record<string, unknown>[] {
  const records = parse(csv, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    delimiter: options.delimiter ?? ',',
  }) as Record<string, string>[];
  const separator = options.categorySeparator ?? '/';
  return records.map((record) => {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) if (!KNOWN.has(key) && value !== '') attributes[key] = value;
    const price = record.price === undefined || record.price === '' ? undefined : Number(record.price);
    return {
      id: record.id,
      title: record.title,
      categoryPath: record.category === undefined ? undefined : record.category.split(separator).map((part) => part.trim()),
      price,
      attributes,
      ...(record.availability ? { availability: record.availability } : {}),
    };
  });
}

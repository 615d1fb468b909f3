/** One block of `Name: value` fields, names lower-cased. */
export type FieldGroup = ReadonlyMap<string, string>;

/**
 * Reads the body of a `message/delivery-status` (RFC 3464) or `message/feedback-report`
 * (RFC 5965) part: groups of header-style fields separated by blank lines, with folded
 * continuation lines. A DSN's first group is about the message, each later one about a
 * recipient.
 */
export function parseFieldGroups(text: string): FieldGroup[] {
  const groups: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  let last: string | undefined;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim() === '') {
      current = undefined;
      last = undefined;
      continue;
    }
    if (/^[ \t]/.test(line) && current && last) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) {
      current = new Map();
      groups.push(current);
    }
    last = line.slice(0, colon).trim().toLowerCase();
    // A repeated field keeps its first value (ARF repeats Original-Rcpt-To; the first is enough).
    if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
  }
  return groups;
}

/** The value after a DSN type prefix: `rfc822; ada@example.com` → `ada@example.com`. */
export function typedValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const semicolon = value.indexOf(';');
  return (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim() || undefined;
}

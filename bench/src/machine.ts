import { cpus, totalmem } from 'node:os';

/** The machine a benchmark ran on; only ratios measured in one run compare across machines. */
export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node.js ${process.version}, ${process.platform}/${process.arch}`;
}

/** Peak resident set size of this process so far, in MiB (a high-water mark). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** V8 heap in use now, in MiB. */
export function heapMiB(): number {
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Times an async function in milliseconds. */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** The value at quantile `q` (0..1) of a list of numbers. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** The median of a list of numbers. */
export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** Small statistics for the benchmarks, and one way to print their figures. */
import { readFileSync } from 'node:fs';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

export function report(title: string, figures: Record<string, number>, summary: string[]): void {
  console.log(`\n## ${title}`);
  for (const line of summary) console.log(`- ${line}`);
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k} = ${Number.isInteger(v) ? v : v.toFixed(3)}`);
}

/**
 * CPU time used so far, in milliseconds: the whole process (every thread, user and system) and,
 * on Linux, the main thread alone (from /proc; undefined elsewhere). On a machine with few cores
 * the benchmarks' threads compete for them, so these say where the time went.
 */
export function cpuMs(): { process: number; mainThread: number | undefined } {
  const usage = process.cpuUsage();
  return { process: (usage.user + usage.system) / 1000, mainThread: mainThreadCpuMs() };
}

const CLOCK_TICKS_PER_S = 100;

function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces); utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** Small statistics for the benchmarks, and one way to print their figures. */
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

/**
 * Nearest-rank percentile of sorted values (the smallest value with at least p of them at or below it, never
 * interpolated: every figure is one that was measured); null for none. Compliance and the scorecards sum up
 * their times with it alone, so that the same times read the same in both (docs/scorecards.md).
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

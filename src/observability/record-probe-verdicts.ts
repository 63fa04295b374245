import { probeVerdicts } from "./metrics.ts";

/** The verdicts of a stored probe run, one per measurement, by the operator whose resolver was asked. */
export function recordProbeVerdicts(verdicts: Iterable<{ operator: string; verdict: string }>): void {
  const counts = new Map<string, { operator: string; verdict: string; count: number }>();
  for (const { operator, verdict } of verdicts) {
    const key = `${operator}\u0000${verdict}`;
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { operator, verdict, count: 1 });
  }
  for (const { operator, verdict, count } of counts.values()) probeVerdicts.inc({ operator, verdict }, count);
}

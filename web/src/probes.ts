import { ApiError, api } from "./api.ts";
import type { Answer, ProbeCompliance } from "./types.ts";

/** The probes' compliance per operator (GET /compliance/probes); null when it is not public here. */
export async function loadProbes(signal: AbortSignal, operator?: string): Promise<ProbeCompliance[] | null> {
  const query = operator ? `?operator=${encodeURIComponent(operator)}` : "";
  try {
    return (await api<Answer<"/compliance/probes">>(`/compliance/probes${query}`, { signal })).operators;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

/** The median time to enforce, to the tenth of a second; null when no name was seen enforced yet. */
export function medianSeconds(item: ProbeCompliance): number | null {
  const median = item.timeToEnforce.p50Ms;
  return median === null ? null : Math.round(median / 100) / 10;
}

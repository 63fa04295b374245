import { ApiError, api } from "./api.ts";
import type { ProbeCompliance } from "./types.ts";

/** The probes' compliance per operator (GET /compliance/probes); null when it is not public here. */
export async function loadProbes(signal: AbortSignal, operator?: string): Promise<ProbeCompliance[] | null> {
  const query = operator ? `?operator=${encodeURIComponent(operator)}` : "";
  try {
    const answer = await api<unknown>(`/compliance/probes${query}`, { signal });
    if (Array.isArray(answer)) return answer as ProbeCompliance[];
    const record = answer as Record<string, unknown>;
    if (Array.isArray(record.operators)) return record.operators as ProbeCompliance[];
    return "operator" in record ? [record as unknown as ProbeCompliance] : [];
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

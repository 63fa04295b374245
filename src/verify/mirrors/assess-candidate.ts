import { collectSiteEvidence, type SiteEvidence } from "./collect-site-evidence.ts";
import type { SiteDns } from "./resolve-site-dns.ts";
import { type MirrorScore, scoreMirror } from "./score-mirror.ts";
import type { SiteSettings } from "./site-settings.ts";

export interface Assessment<O extends { evidence: SiteEvidence }> {
  evidence: SiteEvidence;
  /** The original the candidate resembles most, and the comparison with it. */
  original: O;
  score: MirrorScore;
}

/**
 * Fetches a candidate and scores it against each original; the closest original is the one it copies. A
 * candidate that a blocked site now redirects to gets the redirect signal from that site.
 */
export async function assessCandidate<O extends { evidence: SiteEvidence }>(
  name: string,
  originals: readonly O[],
  settings: SiteSettings,
  options: { threshold?: number; redirectedFrom?: string; dns?: SiteDns; now?: () => Date } = {},
): Promise<Assessment<O>> {
  const evidence = await collectSiteEvidence(name, settings, options.dns, options.now);
  let best: Assessment<O> | undefined;
  for (const original of originals) {
    const score = scoreMirror(original.evidence, evidence, {
      threshold: options.threshold,
      redirectedFromOriginal: options.redirectedFrom === original.evidence.name,
    });
    if (!best || score.score > best.score.score) best = { evidence, original, score };
  }
  if (!best) throw new Error("assessCandidate needs at least one original");
  return best;
}

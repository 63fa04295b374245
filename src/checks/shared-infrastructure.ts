import type { Check, CheckedTarget } from "./check.ts";
import type { CheckData } from "./check-data.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
import { targetAddress } from "./target-host.ts";

const name = "shared-infrastructure";

/**
 * An address or prefix inside a CDN's or cloud's published ranges (data/shared-infrastructure.json, or the
 * newest copy loaded with `decree data update`) serves many unrelated sites: block. Piracy Shield's
 * 188.114.97.7 (Cloudflare) and 104.166.170.62 (Zenlayer), Feb 2024, are the cases this exists for.
 */
export function sharedInfrastructure(data: CheckData): Check {
  return { name, run: (target) => rangeFindings(target, data) };
}

function rangeFindings(target: CheckedTarget, data: CheckData): Finding[] {
  const address = targetAddress(target);
  if (address === null) return [];
  return data.sharedInfrastructure.match(address).map((match) => {
    const params = { address, relation: match.relation, range: match.range, provider: match.entry.provider };
    return {
      check: name,
      severity: "block",
      code: "TARGET_SHARED_INFRASTRUCTURE",
      message: findingMessage("TARGET_SHARED_INFRASTRUCTURE", params),
      params,
      evidence: {
        target: address,
        range: match.range,
        relation: match.relation,
        provider: match.entry.provider,
        source: match.entry.source,
        date: match.entry.date,
        list: match.entry.list,
      },
    } satisfies Finding;
  });
}

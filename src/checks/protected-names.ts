import type { Check, CheckedTarget } from "./check.ts";
import type { CheckData } from "./check-data.ts";
import type { Finding } from "./finding.ts";
import { targetHost } from "./target-host.ts";

const name = "protected-names";

/**
 * Names whose blocking would hit the public at large (data/protected-names.json, with each entry's source;
 * config protectedNamesFile adds more): a target at or below one, or a domain target above one, is block.
 * Piracy Shield's drive.usercontent.google.com (Oct 2024) is the case this exists for.
 */
export function protectedNames(data: CheckData): Check {
  return { name, run: (target) => protectedFindings(target, data) };
}

function protectedFindings(target: CheckedTarget, data: CheckData): Finding[] {
  const host = targetHost(target);
  if (host === null) return [];
  return data.protectedNames.match(host, target.kind === "domain").map((match) => ({
    check: name,
    severity: "block",
    code: "TARGET_PROTECTED_NAME",
    message:
      `${host} ${relationWords[match.relation]} ${match.name}, a protected name (${match.entry.category}): ` +
      "blocking it would cut off the public at large. Only an admin override with a written reason lets it through.",
    evidence: {
      name: host,
      protectedName: match.name,
      relation: match.relation,
      category: match.entry.category,
      source: match.entry.source,
      list: match.entry.list,
    },
  }));
}

const relationWords = { at: "is", below: "is below", above: "reaches, below it," } as const;

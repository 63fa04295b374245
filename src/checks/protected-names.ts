import type { Check, CheckedTarget } from "./check.ts";
import type { CheckData } from "./check-data.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
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
    ...messageOf({
      name: host,
      relation: match.relation,
      protectedName: match.name,
      category: match.entry.category,
    }),
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

function messageOf(params: { name: string; relation: string; protectedName: string; category: string }) {
  return { message: findingMessage("TARGET_PROTECTED_NAME", params), params };
}

import { parse } from "tldts";
import { findPublicSuffix } from "../names/find-public-suffix.ts";
import type { Check, CheckedTarget } from "./check.ts";
import type { CheckData } from "./check-data.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
import { targetHost } from "./target-host.ts";

const name = "public-suffix-scope";

// As in names/find-public-suffix.ts: the private section counts, since github.io holds unrelated owners' names.
const pslOptions = { allowPrivateDomains: true, detectIp: false, extractHostname: false } as const;

/**
 * How far a name reaches. A public suffix (ICANN or private section of the Public Suffix List,
 * https://publicsuffix.org/list/) is everyone's, so it is block even if intake let one through; a `domain`
 * target on a hosting or blog platform (data/hosting-platforms.json: those the list does not carry) reaches
 * every user's site, so it is block; a name under a platform is one user's site, said as info; and every
 * `domain` target's breadth is explained.
 */
export function publicSuffixScope(data: CheckData): Check {
  return { name, run: (target) => scopeFindings(target, data) };
}

function scopeFindings(target: CheckedTarget, data: CheckData): Finding[] {
  const host = targetHost(target);
  if (host === null) return [];
  const findings: Finding[] = [];
  const section = findPublicSuffix(host);
  if (section !== null) {
    findings.push({
      check: name,
      severity: "block",
      code: "TARGET_PUBLIC_SUFFIX",
      message: findingMessage("TARGET_PUBLIC_SUFFIX", { name: host, section }),
      params: { name: host, section },
      evidence: { name: host, section, list: "https://publicsuffix.org/list/" },
    });
    return findings;
  }
  const whole = target.kind === "domain";
  for (const match of data.hostingPlatforms.match(host, whole)) {
    if (match.relation === "below") {
      findings.push(onePlatformSite(host, match.name, "hosting-platforms", match.entry.source));
    } else if (whole) {
      findings.push({
        check: name,
        severity: "block",
        code: "TARGET_HOSTING_PLATFORM",
        message: findingMessage("TARGET_HOSTING_PLATFORM", { name: host, platform: match.name }),
        params: { name: host, platform: match.name },
        evidence: { name: host, platform: match.name, relation: match.relation, source: match.entry.source },
      });
    }
  }
  const suffix = parse(host, pslOptions);
  if (suffix.isPrivate && suffix.publicSuffix) {
    findings.push(
      onePlatformSite(
        host,
        suffix.publicSuffix,
        "public-suffix-list-private",
        "https://publicsuffix.org/list/",
      ),
    );
  }
  if (whole) {
    findings.push({
      check: name,
      severity: "info",
      code: "TARGET_WILDCARD_BREADTH",
      message: findingMessage("TARGET_WILDCARD_BREADTH", { name: host }),
      params: { name: host },
      evidence: { name: host, covers: [host, `*.${host}`] },
    });
  }
  return findings;
}

function onePlatformSite(host: string, platform: string, list: string, source: string): Finding {
  return {
    check: name,
    severity: "info",
    code: "TARGET_ON_SHARED_PLATFORM",
    message: findingMessage("TARGET_ON_SHARED_PLATFORM", { name: host, platform }),
    params: { name: host, platform },
    evidence: { name: host, platform, list, source },
  };
}

import { distance } from "fastest-levenshtein";
import { getDomainWithoutSuffix } from "tldts";
import { mirrorExplanation, mirrorText } from "../../checks/mirror-explanation.ts";
import type { MirrorTextKey } from "../../checks/mirror-texts-en.ts";
import type { MessageParams } from "../../locale/format-message.ts";
import type { MirrorVerdict } from "../../vocabulary/vocabulary.ts";
import type { SiteEvidence } from "./collect-site-evidence.ts";
import { isCommonHost } from "./common-hosts.ts";
import { similarityOf } from "./min-hash.ts";

export type SignalName =
  | "redirect-from-original"
  | "same-text"
  | "same-template"
  | "same-favicon"
  | "same-tracking-ids"
  | "same-player-hosts"
  | "same-script-hosts"
  | "same-certificate"
  | "same-addresses"
  | "same-name-servers"
  | "similar-name";

/** One reason for (or against) calling a site a mirror: what was compared, what it came to, what it weighs. */
export interface MirrorSignal {
  signal: SignalName;
  matched: boolean;
  /** What this signal adds to the score; at most `weight`. */
  points: number;
  weight: number;
  /** A similarity from 0 to 1, or what matched. */
  value: number | string[];
  /** A sentence for the reviewer, in English; `detailKey` and `detailParams` make it in any language. */
  detail: string;
  detailKey: MirrorTextKey;
  detailParams: MessageParams;
}

export interface MirrorScore {
  original: string;
  candidate: string;
  /** From 0 to 1: the sum of the signals' points, capped at 1. */
  score: number;
  verdict: MirrorVerdict;
  threshold: number;
  signals: MirrorSignal[];
  /** The matched signals in plain words, e.g. "same page text (82% of phrases), redirect from x.com". */
  explanation: string;
}

export const defaultMirrorThreshold = 0.5;

/**
 * The weights, so that no one signal but a redirect decides alone. A copy "wholly or substantially" (art.
 * L.331-27 CPI) is first a copy of what a visitor reads, so the text weighs most. A site's template, player
 * host and name are shared by lawful look-alikes too (a theme sold to thousands, a video host many use, a
 * parked name one typo away): each weighs little, and together still less than the text. An ad account or
 * analytics property, a favicon's exact bytes, a certificate naming the blocked site and a redirect from it
 * are what one operator's sites have in common, and weigh more.
 */
const weights: Record<SignalName, number> = {
  "redirect-from-original": 0.6,
  "same-text": 0.5,
  "same-template": 0.15,
  "same-favicon": 0.15,
  "same-tracking-ids": 0.3,
  "same-player-hosts": 0.1,
  "same-script-hosts": 0.05,
  "same-certificate": 0.3,
  "same-addresses": 0.05,
  "same-name-servers": 0.05,
  "similar-name": 0.1,
};

/** Compares a candidate's evidence with the blocked original's and says, signal by signal, how alike they are. */
export function scoreMirror(
  original: SiteEvidence,
  candidate: SiteEvidence,
  options: { threshold?: number; redirectedFromOriginal?: boolean } = {},
): MirrorScore {
  const threshold = options.threshold ?? defaultMirrorThreshold;
  const signals = [
    redirectSignal(original, candidate, options.redirectedFromOriginal ?? false),
    textSignal(original, candidate),
    templateSignal(original, candidate),
    faviconSignal(original, candidate),
    shared("same-tracking-ids", ids(original), ids(candidate), "tracking"),
    shared("same-player-hosts", players(original), players(candidate), "players"),
    shared("same-script-hosts", scripts(original), scripts(candidate), "scripts"),
    certificateSignal(original, candidate),
    shared("same-addresses", addresses(original), addresses(candidate), "addresses"),
    shared("same-name-servers", nameServers(original), nameServers(candidate), "nameServers"),
    nameSignal(original.name, candidate.name),
  ];
  const score = round(
    Math.min(
      1,
      signals.reduce((sum, s) => sum + s.points, 0),
    ),
  );
  const verdict = score >= threshold ? "mirror" : "not-mirror";
  return {
    original: original.name,
    candidate: candidate.name,
    score,
    verdict,
    threshold,
    signals,
    // Every signal has its text's key, so the English explanation is always made.
    explanation: mirrorExplanation({ verdict, score, signals }, "en")!,
  };
}

function redirectSignal(original: SiteEvidence, candidate: SiteEvidence, told: boolean): MirrorSignal {
  const hosts = original.fetch.hops.map((hop) => new URL(hop.url).hostname.toLowerCase());
  const finalHost = original.fetch.finalUrl ? new URL(original.fetch.finalUrl).hostname.toLowerCase() : null;
  const matched = told || (finalHost === candidate.name && hosts[0] === original.name);
  return signal(
    "redirect-from-original",
    matched,
    matched ? 1 : 0,
    matched ? "redirect.match" : "redirect.miss",
    {
      original: original.name,
      candidate: candidate.name,
    },
  );
}

function textSignal(original: SiteEvidence, candidate: SiteEvidence): MirrorSignal {
  const similarity = similarityOf(original.page?.textSignature ?? [], candidate.page?.textSignature ?? []);
  const strength = clamp((similarity - 0.15) / 0.45);
  const percent = Math.round(similarity * 100);
  const matched = similarity >= 0.3;
  return {
    ...signal("same-text", matched, strength, matched ? "text.match" : "text.miss", { percent }),
    value: round(similarity),
  };
}

function templateSignal(original: SiteEvidence, candidate: SiteEvidence): MirrorSignal {
  const similarity = similarityOf(original.page?.shapeSignature ?? [], candidate.page?.shapeSignature ?? []);
  const percent = Math.round(similarity * 100);
  const matched = similarity >= 0.6;
  const key = matched ? "template.match" : "template.miss";
  return {
    ...signal("same-template", matched, clamp((similarity - 0.4) / 0.5), key, { percent }),
    value: round(similarity),
  };
}

function faviconSignal(original: SiteEvidence, candidate: SiteEvidence): MirrorSignal {
  const a = original.favicon?.sha256;
  const matched = a !== undefined && a === candidate.favicon?.sha256;
  return {
    ...signal("same-favicon", matched, matched ? 1 : 0, matched ? "favicon.match" : "favicon.miss"),
    value: matched ? [a] : [],
  };
}

function certificateSignal(original: SiteEvidence, candidate: SiteEvidence): MirrorSignal {
  const tls = candidate.tls;
  const covers = tls?.altNames.filter((name) => coversName(name, original.name)) ?? [];
  const sameKey = tls !== null && original.tls !== null && tls.sha256 === original.tls.sha256;
  const matched = covers.length > 0 || sameKey;
  const key = sameKey ? "certificate.same" : covers.length > 0 ? "certificate.names" : "certificate.miss";
  return {
    ...signal("same-certificate", matched, matched ? 1 : 0, key, { original: original.name }),
    value: covers,
  };
}

function nameSignal(original: string, candidate: string): MirrorSignal {
  const a = getDomainWithoutSuffix(original) ?? original;
  const b = getDomainWithoutSuffix(candidate) ?? candidate;
  const edit = 1 - distance(a, b) / Math.max(a.length, b.length, 1);
  const contained = a.length >= 4 && (b.includes(a) || a.includes(b));
  const similarity = contained ? Math.max(edit, 0.9) : edit;
  const matched = similarity >= 0.7;
  return {
    ...signal("similar-name", matched, matched ? similarity : 0, "name.similar", { candidate, original }),
    value: round(similarity),
  };
}

/** A signal of what two sites have in common; `what` names its texts (`tracking.match`, `tracking.miss`). */
function shared(
  name: SignalName,
  a: string[],
  b: string[],
  what: "tracking" | "players" | "scripts" | "addresses" | "nameServers",
): MirrorSignal {
  const other = new Set(b);
  const common = [...new Set(a)].filter((item) => other.has(item)).sort();
  const matched = common.length > 0;
  return {
    ...signal(name, matched, matched ? 1 : 0, matched ? `${what}.match` : `${what}.miss`, {
      count: common.length,
      items: common.slice(0, 3).join(", "),
    }),
    value: common,
  };
}

function signal(
  name: SignalName,
  matched: boolean,
  strength: number,
  detailKey: MirrorTextKey,
  detailParams: MessageParams = {},
): MirrorSignal {
  const weight = weights[name];
  return {
    signal: name,
    matched,
    points: round(weight * strength),
    weight,
    value: strength,
    detail: mirrorText(detailKey, "en", detailParams),
    detailKey,
    detailParams,
  };
}

function ids(site: SiteEvidence): string[] {
  return site.page?.trackingIds ?? [];
}

function players(site: SiteEvidence): string[] {
  return (site.page?.hosts.players ?? []).filter((host) => !isCommonHost(host));
}

function scripts(site: SiteEvidence): string[] {
  return (site.page?.hosts.scripts ?? []).filter((host) => !isCommonHost(host));
}

function addresses(site: SiteEvidence): string[] {
  return [...site.dns.a, ...site.dns.aaaa];
}

/** A hoster's or registrar's name servers, or the blocked site's own, which a mirror's operator reuses. */
function nameServers(site: SiteEvidence): string[] {
  return site.dns.ns;
}

function coversName(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  return (
    pattern.startsWith("*.") &&
    name.endsWith(pattern.slice(1)) &&
    !name.slice(0, -pattern.length + 1).includes(".")
  );
}

function clamp(value: number): number {
  return Math.max(0, Math.min(1, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

import { parse } from "tldts";

/** How a candidate name was made from a blocked one, for the evidence. */
export type CandidateKind = "tld" | "digit" | "hyphen" | "prefix" | "suffix" | "typo";

export interface MirrorCandidate {
  name: string;
  /** The blocked name it was made from. */
  from: string;
  kind: CandidateKind;
}

/**
 * Top-level domains that blocked sites move to. Generic ones, the cheap new gTLDs, and country codes that
 * sell names to anyone (.to, .cc, .ws, .la …); the site's own country's is added by the caller's name.
 */
export const mirrorTlds = [
  "com",
  "net",
  "org",
  "info",
  "biz",
  "tv",
  "cc",
  "to",
  "ws",
  "la",
  "me",
  "io",
  "co",
  "eu",
  "fr",
  "be",
  "ch",
  "pw",
  "xyz",
  "top",
  "site",
  "online",
  "live",
  "stream",
  "watch",
  "vip",
  "lol",
  "club",
  "one",
  "cx",
  "nu",
  "sx",
];
/** TLDs tried for every changed label, not only for the name as it was: where most mirrors land. */
const labelTlds = ["com", "net", "org", "to", "cc", "tv", "co", "io", "xyz", "site"];
const prefixes = ["new", "the", "my", "vf", "fr", "v2", "go", "get", "www", "m"];
const suffixes = [
  "hd",
  "vf",
  "tv",
  "fr",
  "new",
  "online",
  "stream",
  "streaming",
  "film",
  "films",
  "live",
  "plus",
  "top",
  "officiel",
  "v2",
  "1",
  "2",
];
/** Letters a typist or a squatter trades for look-alikes. */
const homoglyphs: Record<string, string> = { o: "0", i: "1", l: "1", e: "3", a: "4", s: "5" };

/**
 * The names a blocked site's operator is likely to reopen under: the same label under other TLDs, with digits
 * or hyphens added, with common prefixes and suffixes, and with typos (a letter dropped, doubled, swapped with
 * its neighbour, or replaced by a look-alike digit). Deduplicated, the blocked name itself left out; at most
 * `limit` per name, in the order above (the likeliest first).
 */
export function mirrorCandidates(blocked: string, limit = 2000): MirrorCandidate[] {
  const parsed = parse(blocked);
  const label = parsed.domainWithoutSuffix;
  const suffix = parsed.publicSuffix;
  if (!label || !suffix || !parsed.domain) return [];
  const out = new Map<string, MirrorCandidate>();
  const add = (name: string, kind: CandidateKind) => {
    if (name !== parsed.domain && name !== blocked && !out.has(name) && validName(name)) {
      out.set(name, { name, from: blocked, kind });
    }
  };
  for (const tld of [suffix, ...mirrorTlds]) add(`${label}.${tld}`, "tld");
  const variants: Array<[string, CandidateKind]> = [
    ...digits(label).map((v): [string, CandidateKind] => [v, "digit"]),
    ...hyphens(label).map((v): [string, CandidateKind] => [v, "hyphen"]),
    ...prefixes
      .flatMap((p) => [`${p}${label}`, `${p}-${label}`])
      .map((v): [string, CandidateKind] => [v, "prefix"]),
    ...suffixes
      .flatMap((s) => [`${label}${s}`, `${label}-${s}`])
      .map((v): [string, CandidateKind] => [v, "suffix"]),
    ...typos(label).map((v): [string, CandidateKind] => [v, "typo"]),
  ];
  for (const tld of [suffix, ...labelTlds]) {
    for (const [variant, kind] of variants) add(`${variant}.${tld}`, kind);
  }
  return [...out.values()].slice(0, limit);
}

function digits(label: string): string[] {
  const numbers = [
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "0",
    "10",
    "24",
    "360",
    "2024",
    "2025",
    "2026",
  ];
  return numbers.flatMap((n) => [`${label}${n}`, `${label}-${n}`]);
}

function hyphens(label: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < label.length; i++) {
    if (label[i - 1] !== "-" && label[i] !== "-") out.push(`${label.slice(0, i)}-${label.slice(i)}`);
  }
  return out;
}

function typos(label: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < label.length; i++) {
    out.push(label.slice(0, i) + label.slice(i + 1));
    out.push(label.slice(0, i + 1) + label[i] + label.slice(i + 1));
    if (i + 1 < label.length && label[i] !== label[i + 1]) {
      out.push(label.slice(0, i) + label[i + 1] + label[i] + label.slice(i + 2));
    }
    const glyph = homoglyphs[label[i]!];
    if (glyph) out.push(label.slice(0, i) + glyph + label.slice(i + 1));
  }
  return out;
}

function validName(name: string): boolean {
  return name.split(".").every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

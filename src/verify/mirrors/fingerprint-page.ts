import { type ChildNode, type Element, isTag, isText } from "domhandler";
import { parseDocument } from "htmlparser2";
import { minHash, shinglesOf } from "./min-hash.ts";

/** Where a page sends its visitors and what it pulls in from elsewhere, by what pulls it in. */
export interface PageHosts {
  /** Links out (a, area). */
  outbound: string[];
  /** Frames, videos, embeds: the video players. */
  players: string[];
  /** Scripts: ad networks, analytics, players' loaders. */
  scripts: string[];
  /** Images and style sheets. */
  assets: string[];
}

/** What a page is, as evidence: what a person sees, how it is built, and whose ids it carries. */
export interface PageFingerprint {
  title: string;
  /** The visible text's first characters, for the reviewer to read. */
  textSample: string;
  textWords: number;
  /** MinHash of the visible text's word 4-shingles. */
  textSignature: number[];
  /** MinHash of the element tree's shape: runs of 4 elements, each as parent>tag, in document order. */
  shapeSignature: number[];
  elements: number;
  hosts: PageHosts;
  /** Analytics, tag-manager and ad-account ids found in scripts and attributes, e.g. `UA-1234-1`, `ca-pub-…`. */
  trackingIds: string[];
  /** The favicon's URL as the page declares it (or /favicon.ico). */
  faviconUrl: string;
  /** `<meta http-equiv="refresh">`'s target: a redirect made in the page. */
  refreshUrl: string | null;
}

const invisible = new Set(["script", "style", "noscript", "template", "head", "svg", "iframe", "object"]);
const playerTags = new Set(["iframe", "embed", "object", "video", "audio", "source", "track"]);
const textShingle = 4;
const shapeShingle = 4;
const sampleLength = 1000;

/**
 * Tracking and ad-account ids, as the services themselves print them: Google Analytics (UA-, G-), Tag Manager
 * (GTM-), AdSense publisher ids (ca-pub-), Meta pixels, Yandex Metrica counters, Matomo site ids. Matched in
 * script text and attributes, never in the page's prose.
 */
const trackingPatterns: Array<{ pattern: RegExp; label: (match: RegExpExecArray) => string }> = [
  { pattern: /\bUA-\d{4,10}-\d{1,4}\b/g, label: (m) => m[0] },
  { pattern: /\bG-[A-Z0-9]{6,12}\b/g, label: (m) => m[0] },
  { pattern: /\bGTM-[A-Z0-9]{4,9}\b/g, label: (m) => m[0] },
  { pattern: /\bca-pub-\d{10,20}\b/g, label: (m) => m[0] },
  { pattern: /fbq\(\s*['"]init['"]\s*,\s*['"](\d{6,20})['"]/g, label: (m) => `fb-pixel:${m[1]}` },
  { pattern: /\bym\(\s*(\d{5,12})\s*,\s*['"]init['"]/g, label: (m) => `yandex-metrica:${m[1]}` },
  { pattern: /setSiteId['"]\s*,\s*['"]?(\d{1,8})/g, label: (m) => `matomo:${m[1]}` },
];
/** Ad networks' zone or publisher ids in a script's or frame's query string. */
const adQueryKeys = ["zoneid", "zone", "pub", "publisher", "pubid", "siteid", "adzone", "client"];

/**
 * Reads a page with htmlparser2 (a forgiving, streaming parser: pirate pages are rarely valid HTML, and the
 * evidence needs tags, attributes and text, not a browser's exact tree) and keeps what identifies it.
 */
export function fingerprintPage(html: string, pageUrl: URL): PageFingerprint {
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true });
  const state: Walk = {
    base: pageUrl,
    words: [],
    shape: [],
    title: "",
    hosts: { outbound: new Set(), players: new Set(), scripts: new Set(), assets: new Set() },
    tracking: new Set(),
    favicon: null,
    refresh: null,
    elements: 0,
  };
  walk(document.children, "#root", false, state);
  const text = state.words.join(" ");
  return {
    title: state.title.replace(/\s+/g, " ").trim(),
    textSample: text.slice(0, sampleLength),
    textWords: state.words.length,
    textSignature: minHash(shinglesOf(state.words.map(normalizeWord).filter(Boolean), textShingle)),
    shapeSignature: minHash(shinglesOf(state.shape, shapeShingle)),
    elements: state.elements,
    hosts: {
      outbound: sorted(state.hosts.outbound, pageUrl),
      players: sorted(state.hosts.players, pageUrl),
      scripts: sorted(state.hosts.scripts, pageUrl),
      assets: sorted(state.hosts.assets, pageUrl),
    },
    trackingIds: [...state.tracking].sort(),
    faviconUrl: state.favicon ?? new URL("/favicon.ico", pageUrl).href,
    refreshUrl: state.refresh,
  };
}

interface Walk {
  base: URL;
  words: string[];
  shape: string[];
  title: string;
  hosts: { outbound: Set<string>; players: Set<string>; scripts: Set<string>; assets: Set<string> };
  tracking: Set<string>;
  favicon: string | null;
  refresh: string | null;
  elements: number;
}

function walk(nodes: ChildNode[], parent: string, hidden: boolean, state: Walk): void {
  for (const node of nodes) {
    if (isText(node)) {
      if (!hidden) state.words.push(...node.data.split(/\s+/).filter(Boolean));
      continue;
    }
    if (!isTag(node)) continue;
    const tag = node.name;
    state.elements++;
    state.shape.push(`${parent}>${tag}`);
    visitElement(node, state);
    walk(node.children, tag, hidden || invisible.has(tag) || node.attribs.hidden !== undefined, state);
  }
}

function visitElement(node: Element, state: Walk): void {
  const { name: tag, attribs } = node;
  if (tag === "title" && state.title === "") state.title = textOf(node);
  if (tag === "script") {
    scanTracking(textOf(node), state.tracking);
    addHost(state.hosts.scripts, attribs.src, state, true);
  } else if (tag === "a" || tag === "area") {
    addHost(state.hosts.outbound, attribs.href, state, false);
  } else if (playerTags.has(tag)) {
    addHost(state.hosts.players, attribs.src ?? attribs.data, state, true);
  } else if (tag === "img") {
    addHost(state.hosts.assets, attribs.src, state, false);
  } else if (tag === "link") {
    const rel = (attribs.rel ?? "").toLowerCase().split(/\s+/);
    if (rel.includes("icon") && state.favicon === null) state.favicon = resolve(attribs.href, state.base);
    if (rel.includes("stylesheet")) addHost(state.hosts.assets, attribs.href, state, false);
  } else if (tag === "meta" && (attribs["http-equiv"] ?? "").toLowerCase() === "refresh") {
    const target = /url\s*=\s*['"]?([^'";]+)/i.exec(attribs.content ?? "")?.[1];
    if (target && state.refresh === null) state.refresh = resolve(target.trim(), state.base);
  }
  for (const [key, value] of Object.entries(attribs)) {
    if (key.startsWith("data-") || key === "src") scanTracking(value, state.tracking);
  }
}

function addHost(into: Set<string>, link: string | undefined, state: Walk, idsInQuery: boolean): void {
  const href = resolve(link, state.base);
  if (href === null) return;
  const url = new URL(href);
  if (url.protocol !== "http:" && url.protocol !== "https:") return;
  into.add(url.hostname.toLowerCase());
  if (!idsInQuery) return;
  for (const key of adQueryKeys) {
    const value = url.searchParams.get(key);
    if (value && /^[\w-]{2,40}$/.test(value))
      state.tracking.add(`${url.hostname.toLowerCase()}:${key}=${value}`);
  }
}

function scanTracking(text: string, into: Set<string>): void {
  if (text.length === 0) return;
  for (const { pattern, label } of trackingPatterns) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) into.add(label(match));
  }
}

function textOf(node: Element): string {
  let text = "";
  for (const child of node.children) {
    if (isText(child)) text += child.data;
    else if (isTag(child)) text += textOf(child);
  }
  return text;
}

function resolve(link: string | undefined, base: URL): string | null {
  if (!link) return null;
  try {
    return new URL(link.trim(), base).href;
  } catch {
    return null;
  }
}

/** The page's own host is no evidence of anything: only other hosts are kept. */
function sorted(hosts: Set<string>, page: URL): string[] {
  return [...hosts].filter((host) => host !== page.hostname.toLowerCase()).sort();
}

function normalizeWord(word: string): string {
  return word
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

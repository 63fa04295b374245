import { getDomain } from "tldts";
import type { TargetKind } from "../vocabulary/vocabulary.ts";
import { pslOptions } from "./psl-options.ts";

// An address in a URL's host is no site: it stays out, as ip and cidr targets do.
const hostOptions = { ...pslOptions, detectIp: true } as const;

/**
 * The site a target belongs to: the registrable domain (the Public Suffix List's "eTLD+1", private section
 * included) of its name, or of its URL's host. `www.allostreaming.net`, `allostreaming.net` and
 * `https://allostreaming.net/film` are one site; `a.github.io` and `b.github.io` are two. Null for addresses,
 * prefixes, and a name that is itself a public suffix.
 */
export function siteOfTarget(kind: TargetKind, value: string): string | null {
  switch (kind) {
    case "fqdn":
    case "domain":
      return getDomain(value, hostOptions);
    case "url":
      return getDomain(urlHost(value), hostOptions);
    case "ip":
    case "cidr":
      return null;
  }
}

function urlHost(value: string): string {
  try {
    return new URL(value).hostname;
  } catch {
    return "";
  }
}

import type { SnapshotResolver } from "../../checks/resolve-snapshot.ts";

/** How decree reaches a site for evidence: which resolver, which addresses it may connect to, and its bounds. */
export interface SiteSettings {
  /** Every name is resolved through this server (config `mirrorResolver`, else `checkResolver`). */
  resolver: SnapshotResolver;
  /** Connect to loopback, private and special-purpose addresses too (config `mirrorAllowPrivate`; tests). */
  allowPrivate: boolean;
  /** Real sites listen on 80 and 443; a test farm elsewhere. */
  httpPort: number;
  httpsPort: number;
  /** One request (a page, a redirect hop, the favicon), in milliseconds. */
  timeoutMs: number;
  /** A page body past this many bytes is cut there (and the cut is recorded). */
  maxBytes: number;
  maxRedirects: number;
}

export const defaultSiteSettings = {
  allowPrivate: false,
  httpPort: 80,
  httpsPort: 443,
  timeoutMs: 5000,
  maxBytes: 2 * 1024 * 1024,
  maxRedirects: 5,
} as const satisfies Omit<SiteSettings, "resolver">;

export function siteSettings(
  resolver: SnapshotResolver,
  overrides: Partial<Omit<SiteSettings, "resolver">> = {},
): SiteSettings {
  return { ...defaultSiteSettings, ...overrides, resolver };
}

/**
 * The service's mirror settings (config `mirrorResolver`, else `checkResolver`, and `mirrorAllowPrivate`);
 * none without a resolver: decree never collects evidence through whatever the system resolver says.
 */
export function siteSettingsOf(config: {
  mirrorResolver?: SnapshotResolver | undefined;
  mirrorAllowPrivate?: boolean | undefined;
}): SiteSettings | undefined {
  if (config.mirrorResolver === undefined) return undefined;
  return siteSettings(config.mirrorResolver, { allowPrivate: config.mirrorAllowPrivate ?? false });
}

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import type { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";
import { type DnsAction, dnsActions, isOneOf } from "../vocabulary/vocabulary.ts";
import { type BgpSettings, bgpSettingsOf } from "./bgp-settings.ts";
import { defaultDataDir } from "./default-data-dir.ts";
import { type HostPort, parseHostPort } from "./host-port.ts";
import {
  limitEnvName,
  type ServeLimits,
  serveLimitKeys,
  serveLimitSchemas,
  serveLimitsOf,
} from "./serve-limits.ts";

export interface ServiceConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  http: HostPort;
  dns: HostPort;
  /** Where the DNS address came from, for the resolver configurations that name it. */
  dnsSource: string;
  /** Where the stop page listens: the server operators point blocked names at. */
  stop: HostPort;
  /** The registry's URL as the public reaches it, without a trailing slash; by default its HTTP address. */
  publicUrl: string | undefined;
  demo: boolean;
  /** The RPZ zone's apex, without trailing dot. */
  rpzZone: string;
  /** The action for orders that do not choose one. */
  rpzAction: DnsAction;
  /** Addresses of the stop page, for the stop-page action. */
  stopPage: { ipv4?: string | undefined; ipv6?: string | undefined };
  /** A name that resolves to the stop page, for resolvers whose stop-page override is a CNAME (BIND, PowerDNS). */
  stopPageName: string | undefined;
  /**
   * The canary's name: each release answers its serial there as RPZ local data (publish/canary-record.ts);
   * unset: `serial.check.` and the public URL's host, or the zone's parent.
   */
  canaryName: string | undefined;
  /** Addresses and prefixes allowed to transfer the zone without TSIG, besides each operator's own. */
  transferAllow: string[];
  /** Changes within this many milliseconds share one release. */
  releaseWindowMs: number;
  /** Staged rollout: releases adding entries go to canary operators first (publish/rollout/). */
  releases: {
    /** Stage releases that add entries by default; the authority may override it (`decree releases staging`). */
    staged: boolean;
    /** Names that must keep resolving at every canary before a staged release goes to everyone. */
    controlNames: string[];
    /** Up to this many co-hosted domains of the staged IP entries are asked too. */
    coHostedControlNames: number;
  };
  /** An approval takes effect this long after it is given and can be cancelled until then; 0: at once. */
  approvalCancelWindowMs: number;
  /** Call webhooks on loopback and private addresses; off by default (server-side request forgery). */
  webhookAllowPrivate: boolean;
  /** Trust X-Forwarded-For/-Proto from a reverse proxy: client addresses for rate limits, TLS for cookies. */
  trustProxy: boolean;
  /** The session cookie's Secure attribute: "auto" sets it on requests that came over TLS. */
  secureCookies: "auto" | "always" | "never";
  /** A JSON file of further protected names (format of data/protected-names.json), for the checks. */
  protectedNamesFile: string | undefined;
  /** A JSON file of further exemptions (format of data/exemptions.json), for the checks. */
  exemptionsFile: string | undefined;
  /** The resolver the DNS snapshot check asks, HOST:PORT; unset: the check is skipped, with an info finding. */
  checkResolver: HostPort | undefined;
  /** A folder holding a newer @ip-location-db/asn release's CSV files; unset: the shipped package. */
  asnDataFolder: string | undefined;
  /** An address serving more distinct sites than this is `review` (default 1). */
  coHostingReviewSites: number;
  /** An address serving more distinct sites than this is `block` (default 50). */
  coHostingBlockSites: number;
  /** The resolver mirror evidence is collected through, HOST:PORT; by default checkResolver's. */
  mirrorResolver: HostPort | undefined;
  /** Fetch mirror candidates on loopback, private and special-purpose addresses; off (server-side request forgery). */
  mirrorAllowPrivate: boolean;
  /** How often mirror discovery runs for each order that extends to mirrors; 0 (default): never on its own. */
  mirrorIntervalMs: number;
  /** The public log's origin line (C2SP tlog-checkpoint): by default the public URL's host and path + /log. */
  logOrigin: string;
  /** Witnesses whose cosignatures of checkpoints are accepted: C2SP verifier keys `name+hash+base64`. */
  logWitnesses: string[];
  /** A listener of its own for GET /metrics (Prometheus), HOST:PORT; unset: none. */
  metrics: HostPort | undefined;
  /** The bearer token a scraper must send for GET /metrics; on the HTTP address /metrics needs it. */
  metricsToken: string | undefined;
  /** pino's level for the service's structured log (transfers, refusals, NOTIFYs, releases, jobs). */
  logLevel: LogLevel;
  /** What a hostile client may hold of the DNS primary and the HTTP servers (docs/dns-limits.md). */
  limits: ServeLimits;
  /** decree's BGP daemon (BIRD 2): the routes file it writes, how it reloads BIRD, what the configs say. */
  bgp: BgpSettings;
  /** The config file that was read, if any. */
  configFile: string | undefined;
}

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

/** What the command line said; absent means "not given", so the environment and the file may decide. */
export interface ConfigFlags {
  config?: string | undefined;
  data?: string | undefined;
  databaseUrl?: string | undefined;
  http?: string | undefined;
  dns?: string | undefined;
  stop?: string | undefined;
  publicUrl?: string | undefined;
  demo?: boolean | undefined;
  rpzZone?: string | undefined;
  rpzAction?: string | undefined;
  stopPage?: string[] | undefined;
  metrics?: string | undefined;
  logLevel?: string | undefined;
}

export const defaultConfigFile = "decree.yaml";

/** A day: a window is "a short time to catch a slip", not a second review. */
const maxCancelWindowMs = 86_400_000;

const secureCookieModes = ["auto", "always", "never"] as const;

/** Sites a wrong release would hurt most, asked at each canary before a staged release goes to everyone. */
const defaultControlNames = ["google.com", "facebook.com", "youtube.com", "wikipedia.org", "cloudflare.com"];

/**
 * What a config file may hold. zod and the schema are loaded when there is a file to check: most commands run
 * without one, and loading the validator for nothing was a sixth of their start-up.
 */
function configFileSchema() {
  const z = createRequire(import.meta.url)("zod") as typeof import("zod");
  const fileSchema = z
    .object({
      data: z.string().optional(),
      databaseUrl: z.string().optional(),
      http: z.string().optional(),
      dns: z.string().optional(),
      stop: z.string().optional(),
      publicUrl: z.string().optional(),
      demo: z.boolean().optional(),
      rpzZone: z.string().optional(),
      rpzAction: z.enum(dnsActions).optional(),
      stopPage: z.array(z.string()).optional(),
      stopPageName: z.string().optional(),
      canaryName: z.string().optional(),
      transferAllow: z.array(z.string()).optional(),
      releaseWindowMs: z.number().int().min(0).max(60_000).optional(),
      releases: z
        .strictObject({
          staged: z.boolean().optional(),
          controlNames: z.array(z.string().min(1).max(253)).max(1000).optional(),
          coHostedControlNames: z.number().int().min(0).max(1000).optional(),
        })
        .optional(),
      approvalCancelWindowMs: z.number().int().min(0).max(maxCancelWindowMs).optional(),
      webhookAllowPrivate: z.boolean().optional(),
      trustProxy: z.boolean().optional(),
      secureCookies: z.enum(secureCookieModes).optional(),
      protectedNamesFile: z.string().optional(),
      exemptionsFile: z.string().optional(),
      checkResolver: z.string().optional(),
      asnDataFolder: z.string().optional(),
      coHostingReviewSites: z.number().int().min(0).optional(),
      coHostingBlockSites: z.number().int().min(0).optional(),
      logOrigin: z.string().optional(),
      logWitnesses: z.array(z.string()).optional(),
      mirrorResolver: z.string().optional(),
      mirrorAllowPrivate: z.boolean().optional(),
      mirrorIntervalMs: z.number().int().min(0).optional(),
      metrics: z.string().optional(),
      metricsToken: z.string().optional(),
      logLevel: z.enum(logLevels).optional(),
      bgpRoutesFile: z.string().optional(),
      bgpBirdSocket: z.string().optional(),
      bgpReloadCommand: z.string().optional(),
      bgpNextHopIpv4: z.string().optional(),
      bgpNextHopIpv6: z.string().optional(),
      bgpListen: z.string().optional(),
      bgpAs: z.number().int().optional(),
      bgpRouterId: z.string().optional(),
      bgpPeers: z.array(z.string()).optional(),
      ...serveLimitSchemas(z),
    })
    .strict();
  return fileSchema;
}

type ConfigFile = z.infer<ReturnType<typeof configFileSchema>>;

/** Every setting comes from, in order: a flag, an environment variable, the config file, a default. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const configFile =
    flags.config ?? env.DECREE_CONFIG ?? (existsSync(defaultConfigFile) ? defaultConfigFile : undefined);
  const file = configFile ? readConfigFile(configFile) : {};
  const pick = (flag: string | undefined, envName: string, fromFile: string | undefined, fallback: string) =>
    flag ?? nonEmpty(env[envName]) ?? fromFile ?? fallback;
  return {
    dataDir: flags.data ?? nonEmpty(env.DECREE_DATA) ?? file.data ?? defaultDataDir(env),
    databaseUrl:
      flags.databaseUrl ??
      nonEmpty(env.DATABASE_URL) ??
      nonEmpty(env.DECREE_DATABASE_URL) ??
      file.databaseUrl,
    http: parseHostPort(pick(flags.http, "DECREE_HTTP", file.http, "127.0.0.1:8080"), "HTTP address"),
    dns: parseHostPort(pick(flags.dns, "DECREE_DNS", file.dns, "127.0.0.1:5300"), "DNS address"),
    dnsSource: flags.dns
      ? "--dns"
      : nonEmpty(env.DECREE_DNS)
        ? "DECREE_DNS"
        : file.dns
          ? `dns in ${configFile}`
          : "the default: no DECREE_DNS, and no dns setting in a config file",
    stop: parseHostPort(pick(flags.stop, "DECREE_STOP", file.stop, "127.0.0.1:8451"), "Stop page address"),
    publicUrl: parsePublicUrl(flags.publicUrl ?? nonEmpty(env.DECREE_PUBLIC_URL) ?? file.publicUrl),
    demo: flags.demo ?? parseBoolean(env.DECREE_DEMO) ?? file.demo ?? false,
    rpzZone: parseZone(pick(flags.rpzZone, "DECREE_RPZ_ZONE", file.rpzZone, "rpz.decree")),
    rpzAction: parseAction(pick(flags.rpzAction, "DECREE_RPZ_ACTION", file.rpzAction, "nxdomain")),
    stopPage: parseStopPage(flags.stopPage ?? list(env.DECREE_STOP_PAGE) ?? file.stopPage ?? []),
    stopPageName: nonEmpty(env.DECREE_STOP_PAGE_NAME) ?? file.stopPageName,
    canaryName: parseCanaryName(nonEmpty(env.DECREE_CANARY_NAME) ?? file.canaryName),
    transferAllow: list(env.DECREE_TRANSFER_ALLOW) ?? file.transferAllow ?? ["127.0.0.1", "::1"],
    releaseWindowMs: Number(nonEmpty(env.DECREE_RELEASE_WINDOW_MS) ?? file.releaseWindowMs ?? 10),
    releases: {
      staged:
        parseBoolean(env.DECREE_RELEASES_STAGED, "DECREE_RELEASES_STAGED") ?? file.releases?.staged ?? false,
      controlNames: (
        list(env.DECREE_RELEASES_CONTROL_NAMES) ??
        file.releases?.controlNames ??
        defaultControlNames
      ).map((name) => name.toLowerCase().replace(/\.$/, "")),
      coHostedControlNames: file.releases?.coHostedControlNames ?? 10,
    },
    webhookAllowPrivate:
      parseBoolean(env.DECREE_WEBHOOK_ALLOW_PRIVATE, "DECREE_WEBHOOK_ALLOW_PRIVATE") ??
      file.webhookAllowPrivate ??
      false,
    approvalCancelWindowMs: parseCancelWindow(
      nonEmpty(env.DECREE_APPROVAL_CANCEL_WINDOW_MS) ?? file.approvalCancelWindowMs ?? 0,
    ),
    trustProxy: parseBoolean(env.DECREE_TRUST_PROXY, "DECREE_TRUST_PROXY") ?? file.trustProxy ?? false,
    secureCookies: parseSecureCookies(pick(undefined, "DECREE_SECURE_COOKIES", file.secureCookies, "auto")),
    protectedNamesFile: nonEmpty(env.DECREE_PROTECTED_NAMES_FILE) ?? file.protectedNamesFile,
    exemptionsFile: nonEmpty(env.DECREE_EXEMPTIONS_FILE) ?? file.exemptionsFile,
    checkResolver: optionalHostPort(nonEmpty(env.DECREE_CHECK_RESOLVER) ?? file.checkResolver),
    asnDataFolder: nonEmpty(env.DECREE_ASN_DATA_FOLDER) ?? file.asnDataFolder,
    ...parseCoHosting(
      nonEmpty(env.DECREE_CO_HOSTING_REVIEW_SITES) ?? file.coHostingReviewSites ?? 1,
      nonEmpty(env.DECREE_CO_HOSTING_BLOCK_SITES) ?? file.coHostingBlockSites ?? 50,
    ),
    mirrorResolver: optionalHostPort(
      nonEmpty(env.DECREE_MIRROR_RESOLVER) ??
        file.mirrorResolver ??
        nonEmpty(env.DECREE_CHECK_RESOLVER) ??
        file.checkResolver,
    ),
    mirrorAllowPrivate:
      parseBoolean(env.DECREE_MIRROR_ALLOW_PRIVATE, "DECREE_MIRROR_ALLOW_PRIVATE") ??
      file.mirrorAllowPrivate ??
      false,
    mirrorIntervalMs: parseMirrorInterval(
      nonEmpty(env.DECREE_MIRROR_INTERVAL_MS) ?? file.mirrorIntervalMs ?? 0,
    ),
    logOrigin: logOriginOf(
      nonEmpty(env.DECREE_LOG_ORIGIN) ?? file.logOrigin,
      parsePublicUrl(flags.publicUrl ?? nonEmpty(env.DECREE_PUBLIC_URL) ?? file.publicUrl),
    ),
    logWitnesses: list(env.DECREE_LOG_WITNESSES) ?? file.logWitnesses ?? [],
    metrics: optionalHostPort(
      flags.metrics ?? nonEmpty(env.DECREE_METRICS) ?? file.metrics,
      "Metrics address",
    ),
    metricsToken: parseMetricsToken(nonEmpty(env.DECREE_METRICS_TOKEN) ?? file.metricsToken),
    logLevel: parseLogLevel(
      flags.logLevel ?? nonEmpty(env.DECREE_LOG_LEVEL) ?? nonEmpty(env.LOG_LEVEL) ?? file.logLevel ?? "info",
    ),
    limits: serveLimitsOf(
      Object.fromEntries(serveLimitKeys.map((key) => [key, nonEmpty(env[limitEnvName(key)]) ?? file[key]])),
    ),
    bgp: bgpSettingsOf({
      routesFile: nonEmpty(env.DECREE_BGP_ROUTES_FILE) ?? file.bgpRoutesFile,
      birdSocket: nonEmpty(env.DECREE_BGP_BIRD_SOCKET) ?? file.bgpBirdSocket,
      reloadCommand: nonEmpty(env.DECREE_BGP_RELOAD_COMMAND) ?? file.bgpReloadCommand,
      nextHopIpv4: nonEmpty(env.DECREE_BGP_NEXT_HOP_IPV4) ?? file.bgpNextHopIpv4,
      nextHopIpv6: nonEmpty(env.DECREE_BGP_NEXT_HOP_IPV6) ?? file.bgpNextHopIpv6,
      listen: nonEmpty(env.DECREE_BGP_LISTEN) ?? file.bgpListen,
      as: nonEmpty(env.DECREE_BGP_AS) ?? file.bgpAs,
      routerId: nonEmpty(env.DECREE_BGP_ROUTER_ID) ?? file.bgpRouterId,
      peers: list(env.DECREE_BGP_PEERS) ?? file.bgpPeers,
    }),
    configFile,
  };
}

/** C2SP: the origin names the log, schema-less, e.g. `registry.example.org/log`; it never changes after. */
function logOriginOf(given: string | undefined, publicUrl: string | undefined): string {
  const origin =
    given ?? (publicUrl ? `${publicUrl.replace(/^[a-z]+:\/\//, "")}/log` : "decree.registry/log");
  if (!/^[\x21-\x7e]+$/.test(origin)) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `logOrigin "${origin}" must be one word of printable ASCII, e.g. registry.example.org/log.`,
    );
  }
  return origin;
}

function parseMirrorInterval(value: string | number): number {
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `mirrorIntervalMs "${value}" is not a number of milliseconds; e.g. 86400000 for daily discovery, 0 for none.`,
    );
  }
  return ms;
}

/** The two co-hosting thresholds: whole numbers of sites, the block one at or above the review one. */
function parseCoHosting(
  review: string | number,
  block: string | number,
): { coHostingReviewSites: number; coHostingBlockSites: number } {
  const reviewSites = Number(review);
  const blockSites = Number(block);
  if (
    !Number.isSafeInteger(reviewSites) ||
    reviewSites < 0 ||
    !Number.isSafeInteger(blockSites) ||
    blockSites < reviewSites
  ) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `coHostingReviewSites "${review}" and coHostingBlockSites "${block}" must be whole numbers of sites, the ` +
        "block one at or above the review one; e.g. 1 and 50.",
    );
  }
  return { coHostingReviewSites: reviewSites, coHostingBlockSites: blockSites };
}

function optionalHostPort(
  text: string | undefined,
  what = "Check resolver address (checkResolver)",
): HostPort | undefined {
  return text === undefined ? undefined : parseHostPort(text, what);
}

/** A bearer token (RFC 6750 §2.1 b64token) long enough not to be guessed. */
function parseMetricsToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (!/^[A-Za-z0-9\-._~+/]{16,}=*$/.test(token)) {
    throw new DecreeError(
      "CONFIG_INVALID",
      "metricsToken must be at least 16 characters of letters, digits and -._~+/ (a bearer token); " +
        "e.g. the output of: openssl rand -base64 32.",
    );
  }
  return token;
}

function parseLogLevel(level: string): LogLevel {
  if ((logLevels as readonly string[]).includes(level)) return level as LogLevel;
  throw new DecreeError("CONFIG_INVALID", `Log level "${level}" is not one of ${logLevels.join(", ")}.`);
}

function parseSecureCookies(mode: string): ServiceConfig["secureCookies"] {
  if ((secureCookieModes as readonly string[]).includes(mode)) return mode as ServiceConfig["secureCookies"];
  throw new DecreeError(
    "CONFIG_INVALID",
    `secureCookies "${mode}" is not one of ${secureCookieModes.join(", ")}.`,
  );
}

function parseCancelWindow(value: string | number): number {
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > maxCancelWindowMs) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `approvalCancelWindowMs "${value}" is not a number of milliseconds from 0 to ${maxCancelWindowMs}; ` +
        "e.g. 60000 for a minute.",
    );
  }
  return ms;
}

/** An http(s) origin with an optional path prefix (a reverse proxy's), no query or fragment, no final slash. */
function parsePublicUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text.trim());
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `publicUrl "${text}" is not an http(s) URL without query, fragment or credentials; ` +
        "e.g. https://decree.example.fr or https://example.fr/decree.",
    );
  }
  return url.href.replace(/\/+$/, "");
}

function list(value: string | undefined): string[] | undefined {
  const text = nonEmpty(value);
  return text === undefined
    ? undefined
    : text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
}

function parseZone(zone: string): string {
  const name = zone.trim().toLowerCase().replace(/\.$/, "");
  if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `RPZ zone "${zone}" is not a domain name; e.g. rpz.decree or rpz.example.fr.`,
    );
  }
  return name;
}

function parseCanaryName(name: string | undefined): string | undefined {
  return name === undefined ? undefined : parseDomain(name, "Canary name", "serial.check.decree.example.fr");
}

function parseDomain(value: string, what: string, example: string): string {
  const name = value.trim().toLowerCase().replace(/\.$/, "");
  if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    throw new DecreeError("CONFIG_INVALID", `${what} "${value}" is not a domain name; e.g. ${example}.`);
  }
  return name;
}

function parseAction(action: string): DnsAction {
  if (isOneOf(dnsActions, action)) return action;
  throw new DecreeError("CONFIG_INVALID", `RPZ action "${action}" is not one of ${dnsActions.join(", ")}.`);
}

function parseStopPage(addresses: string[]): ServiceConfig["stopPage"] {
  const stopPage: ServiceConfig["stopPage"] = {};
  for (const address of addresses) {
    if (isIP(address) === 4) stopPage.ipv4 = address;
    else if (isIP(address) === 6) stopPage.ipv6 = address;
    else
      throw new DecreeError(
        "CONFIG_INVALID",
        `Stop page address "${address}" is not an IPv4 or IPv6 address.`,
      );
  }
  return stopPage;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function parseBoolean(value: string | undefined, name = "DECREE_DEMO"): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new DecreeError("CONFIG_INVALID", `${name}="${value}" is not a boolean; use true or false.`);
}

/**
 * The YAML parser, loaded when there is a config file to read: most commands run without one, and loading the
 * parser for nothing was a tenth of their start-up. (A synchronous require, since reading the settings is.)
 */
function yamlParser(): typeof import("yaml") {
  return createRequire(import.meta.url)("yaml") as typeof import("yaml");
}

function readConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = yamlParser().parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `Cannot read the config file ${path}: ${(error as Error).message}`,
    );
  }
  const fileSchema = configFileSchema();
  const result = fileSchema.safeParse(raw ?? {});
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`)
      .join("; ");
    throw new DecreeError(
      "CONFIG_INVALID",
      `${path}: ${problems}. Known keys: ${Object.keys(fileSchema.shape).join(", ")}.`,
    );
  }
  return result.data;
}

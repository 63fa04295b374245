import type { z } from "zod";
import { DecreeError } from "../errors/decree-error.ts";
import {
  defaultResponseRateLimit,
  type ResponseRateLimitOptions,
} from "../publish/dns/response-rate-limit.ts";
import { type TcpConnectionLimits, tcpConnectionLimits } from "../publish/dns/tcp-connection-limits.ts";
import { softDescriptorLimit } from "./descriptor-limit.ts";
import { type HttpServerLimits, httpServerLimits } from "./http-server-limits.ts";

/** How much a hostile client may hold of `decree serve` (docs/dns-limits.md). */
export interface ServeLimits {
  dnsTcp: TcpConnectionLimits;
  /** Off: every UDP query is answered. */
  dnsRateLimit: ResponseRateLimitOptions | false;
  http: HttpServerLimits;
}

const day = 86_400_000;

/** Each number's key in decree.yaml, the limit it sets, and the range it may take. */
const numbers = {
  dnsTcpMaxConnections: { set: (l, v) => (l.dnsTcp.maxConnections = v), min: 1, max: 1_000_000 },
  dnsTcpReservedConnections: { set: (l, v) => (l.dnsTcp.reservedConnections = v), min: 0, max: 1_000_000 },
  dnsTcpMaxConnectionsPerClient: {
    set: (l, v) => (l.dnsTcp.maxConnectionsPerClient = v),
    min: 1,
    max: 1_000_000,
  },
  dnsTcpMaxInFlight: { set: (l, v) => (l.dnsTcp.maxInFlight = v), min: 1, max: 65_535 },
  dnsTcpMaxQueuedBytes: { set: (l, v) => (l.dnsTcp.maxQueuedBytes = v), min: 65_537, max: 1 << 30 },
  dnsTcpIdleMs: { set: (l, v) => (l.dnsTcp.idleMs = v), min: 100, max: day },
  dnsTcpMaxConnectionMs: { set: (l, v) => (l.dnsTcp.maxConnectionMs = v), min: 100, max: day },
  dnsTcpStallMs: { set: (l, v) => (l.dnsTcp.stallMs = v), min: 100, max: day },
  dnsRateLimitResponsesPerSecond: { set: (l, v) => (l.rate.responsesPerSecond = v), min: 1, max: 1_000_000 },
  dnsRateLimitSlip: { set: (l, v) => (l.rate.slip = v), min: 0, max: 10 },
  dnsRateLimitIpv4PrefixLength: { set: (l, v) => (l.rate.ipv4PrefixLength = v), min: 8, max: 32 },
  dnsRateLimitIpv6PrefixLength: { set: (l, v) => (l.rate.ipv6PrefixLength = v), min: 16, max: 128 },
  dnsRateLimitMaxClients: { set: (l, v) => (l.rate.maxClients = v), min: 1, max: 10_000_000 },
  httpBodyLimit: { set: (l, v) => (l.http.bodyLimit = v), min: 1024, max: 1 << 30 },
  httpHeadersTimeoutMs: { set: (l, v) => (l.http.headersTimeoutMs = v), min: 100, max: day },
  httpRequestTimeoutMs: { set: (l, v) => (l.http.requestTimeoutMs = v), min: 100, max: day },
  httpKeepAliveTimeoutMs: { set: (l, v) => (l.http.keepAliveTimeoutMs = v), min: 0, max: day },
  httpConnectionTimeoutMs: { set: (l, v) => (l.http.connectionTimeoutMs = v), min: 0, max: day },
  httpMaxConnections: { set: (l, v) => (l.http.maxConnections = v), min: 1, max: 1_000_000 },
} satisfies Record<string, { set: (limits: Draft, value: number) => void; min: number; max: number }>;

interface Draft {
  dnsTcp: TcpConnectionLimits;
  rate: ResponseRateLimitOptions;
  http: HttpServerLimits;
}

type NumberKey = keyof typeof numbers;

/** The keys of decree.yaml for the limits; each is also the environment variable DECREE_<KEY_IN_CAPITALS>. */
export const serveLimitKeys = ["dnsRateLimit", ...(Object.keys(numbers) as NumberKey[])] as const;
type ServeLimitKey = (typeof serveLimitKeys)[number];

/** Their schemas in the config file, made with the zod the caller loaded (load-config.ts loads it on demand). */
export function serveLimitSchemas(zod: typeof z) {
  return {
    dnsRateLimit: zod.boolean().optional(),
    ...(Object.fromEntries(Object.keys(numbers).map((key) => [key, zod.number().int().optional()])) as Record<
      NumberKey,
      z.ZodOptional<z.ZodNumber>
    >),
  };
}

export type ServeLimitValues = Partial<Record<ServeLimitKey, string | number | boolean>>;

/** `dnsTcpIdleMs` → `DECREE_DNS_TCP_IDLE_MS`. */
export function limitEnvName(key: string): string {
  return `DECREE_${key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

/**
 * The limits: each default (most follow the process's descriptor limit), changed by what the environment or
 * the config file set; a value out of range, or limits that contradict each other, are CONFIG_INVALID.
 */
export function serveLimitsOf(
  values: ServeLimitValues,
  descriptorLimit = softDescriptorLimit(),
): ServeLimits {
  const draft: Draft = {
    dnsTcp: tcpConnectionLimits(descriptorLimit),
    rate: { ...defaultResponseRateLimit },
    http: httpServerLimits(descriptorLimit),
  };
  for (const [key, rule] of Object.entries(numbers)) {
    const value = values[key as NumberKey];
    if (value === undefined) continue;
    const number = Number(value);
    if (
      typeof value === "boolean" ||
      !Number.isSafeInteger(number) ||
      number < rule.min ||
      number > rule.max
    ) {
      throw new DecreeError(
        "CONFIG_INVALID",
        `${key} (${limitEnvName(key)}) "${value}" is not a whole number from ${rule.min} to ${rule.max}; ` +
          "see docs/dns-limits.md for what it bounds and its default.",
      );
    }
    rule.set(draft, number);
  }
  const { dnsTcp, http } = draft;
  if (dnsTcp.reservedConnections >= dnsTcp.maxConnections) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `dnsTcpReservedConnections (${dnsTcp.reservedConnections}) must be below dnsTcpMaxConnections ` +
        `(${dnsTcp.maxConnections}), or no client but a secondary could connect.`,
    );
  }
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    throw new DecreeError(
      "CONFIG_INVALID",
      `httpHeadersTimeoutMs (${http.headersTimeoutMs}) must not be above httpRequestTimeoutMs ` +
        `(${http.requestTimeoutMs}): the headers are part of the request.`,
    );
  }
  return { dnsTcp, dnsRateLimit: rateLimitOn(values.dnsRateLimit) ? draft.rate : false, http };
}

function rateLimitOn(value: string | number | boolean | undefined): boolean {
  if (value === undefined || typeof value === "boolean") return value ?? true;
  if (/^(1|true|yes|on)$/i.test(String(value))) return true;
  if (/^(0|false|no|off)$/i.test(String(value))) return false;
  throw new DecreeError(
    "CONFIG_INVALID",
    `dnsRateLimit (DECREE_DNS_RATE_LIMIT) "${value}" is not a boolean; use true or false.`,
  );
}

import ipaddr from "ipaddr.js";
import { DecreeError } from "../../errors/decree-error.ts";

import type { Transport } from "../../vocabulary/vocabulary.ts";

export { type Transport, transports } from "../../vocabulary/vocabulary.ts";

/**
 * Where and how to ask a resolver: plain DNS over UDP or TCP (RFC 1035, RFC 7766), DNS over TLS (RFC 7858) or
 * DNS over HTTPS (RFC 8484, `url` the resolver's DoH URL; the connection still goes to host:port).
 */
export interface ResolverEndpoint {
  host: string;
  port: number;
  transport: Transport;
  url?: string | undefined;
}

const defaultPorts: Record<Transport, number> = { udp: 53, tcp: 53, tls: 853, https: 443 };

/** Parses HOST:PORT (IPv6 in brackets); the port defaults to the transport's well-known one. */
export function parseResolverEndpoint(
  text: string,
  transport: Transport = "udp",
  url?: string | undefined,
): ResolverEndpoint {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3] ?? defaultPorts[transport]);
  if (!host || !ipaddr.isValid(host) || port < 1 || port > 65535) {
    throw new DecreeError(
      "RESOLVER_INVALID",
      `"${text}" is not a resolver address: give IP:PORT, e.g. 192.0.2.53:53 or [2001:db8::53]:853.`,
    );
  }
  if (transport === "https") {
    let parsed: URL | undefined;
    try {
      parsed = url ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol !== "https:") {
      throw new DecreeError(
        "RESOLVER_INVALID",
        `--https needs the resolver's DNS-over-HTTPS URL, e.g. https://dns.example.net/dns-query (RFC 8484).`,
      );
    }
    return { host: ipaddr.parse(host).toString(), port, transport, url: parsed.toString() };
  }
  return { host: ipaddr.parse(host).toString(), port, transport };
}

export function formatResolverEndpoint(endpoint: ResolverEndpoint): string {
  const address = endpoint.host.includes(":")
    ? `[${endpoint.host}]:${endpoint.port}`
    : `${endpoint.host}:${endpoint.port}`;
  return endpoint.transport === "https"
    ? `${address} https ${endpoint.url}`
    : `${address} ${endpoint.transport}`;
}

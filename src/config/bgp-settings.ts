import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { DecreeError } from "../errors/decree-error.ts";
import { type NextHops, parseNextHops } from "../publish/bgp/blackhole-route.ts";
import { type HostPort, parseHostPort } from "./host-port.ts";

/** How decree drives its BGP daemon (BIRD 2) and what the BIRD configurations it prints say. */
export interface BgpSettings {
  /** The include file decree writes after each release; unset: no daemon is driven (the feeds still are). */
  routesFile: string | undefined;
  /** BIRD's control socket, for the default reload command. */
  birdSocket: string;
  /** The reload command as argv; by default `birdc -s <birdSocket> configure`. */
  reload: string[];
  nextHops: NextHops;
  /** Where decree's BIRD listens for operators' routers. */
  listen: HostPort;
  /** decree's AS number. */
  as: number;
  /** decree's BIRD router id (an IPv4 address); by default the listen address when it is one. */
  routerId: string;
  /** Prefixes operators' routers connect from: decree's BIRD accepts sessions from these only. */
  peers: string[];
}

export interface BgpSettingsInput {
  routesFile?: string | undefined;
  birdSocket?: string | undefined;
  reloadCommand?: string | undefined;
  nextHopIpv4?: string | undefined;
  nextHopIpv6?: string | undefined;
  listen?: string | undefined;
  as?: string | number | undefined;
  routerId?: string | undefined;
  peers?: string[] | undefined;
}

export function bgpSettingsOf(input: BgpSettingsInput): BgpSettings {
  const birdSocket = input.birdSocket ?? "/run/bird/bird.ctl";
  const listen = parseHostPort(input.listen ?? "127.0.0.1:179", "BGP listen address (bgpListen)");
  const routerId = input.routerId ?? (isIP(listen.host) === 4 ? listen.host : undefined);
  if (routerId === undefined || isIP(routerId) !== 4) {
    throw new DecreeError(
      "BGP_SETTINGS_INVALID",
      `The BGP router id "${routerId ?? "(none)"}" is not an IPv4 address: set bgpRouterId (DECREE_BGP_ROUTER_ID) ` +
        "to one, e.g. decree's IPv4 address; BGP identifiers are 32 bits (RFC 4271 §4.2).",
    );
  }
  const peers = input.peers ?? ["127.0.0.0/8"];
  const badPeer = peers.find((peer) => !isValidPrefix(peer));
  if (badPeer !== undefined || peers.length === 0) {
    throw new DecreeError(
      "BGP_SETTINGS_INVALID",
      `bgpPeers must list prefixes operators' routers connect from, e.g. 198.51.100.0/24; "${badPeer ?? ""}" is not one.`,
    );
  }
  const reload = input.reloadCommand?.trim().split(/\s+/) ?? ["birdc", "-s", birdSocket, "configure"];
  return {
    routesFile: input.routesFile,
    birdSocket,
    reload,
    nextHops: parseNextHops(input.nextHopIpv4, input.nextHopIpv6),
    listen,
    as: parseAsNumber(input.as ?? 64512, "bgpAs (DECREE_BGP_AS)"),
    routerId,
    peers,
  };
}

/** A 4-octet AS number (RFC 6793), neither 0 nor AS_TRANS (23456) nor 4294967295 (RFC 7300). */
export function parseAsNumber(value: string | number, what: string): number {
  const as = Number(value);
  if (!Number.isSafeInteger(as) || as < 1 || as >= 4294967295 || as === 23456) {
    throw new DecreeError(
      "BGP_SETTINGS_INVALID",
      `${what} "${value}" is not an AS number: give one from 1 to 4294967294, e.g. a private one from 64512 to 65534.`,
    );
  }
  return as;
}

/** The router's own address for its session, HOST or HOST:PORT (IPv6 in brackets with a port). */
export function parseRouterAddress(text: string | undefined): { host: string; port?: number } | undefined {
  if (!text) return undefined;
  const bare = text.replace(/^\[|\]$/g, "");
  if (isIP(bare)) return { host: bare };
  const parsed = parseHostPort(text, "the router's address");
  if (isIP(parsed.host) === 0) {
    throw new DecreeError(
      "BGP_SETTINGS_INVALID",
      `The router's address "${text}" is not an IP address: BGP peers by address, e.g. 198.51.100.1 or 198.51.100.1:179.`,
    );
  }
  return parsed;
}

function isValidPrefix(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

import type { HostPort } from "../../config/host-port.ts";
import { birdStaticProtocols } from "./bird-routes-text.ts";
import { blackholeCommunity, noExportCommunity } from "./blackhole-route.ts";

/** decree's side of the sessions: what its own BIRD needs to know. */
export interface BirdSpeakerSide {
  /** Where decree's BIRD listens; operators' routers connect to it. */
  listen: HostPort;
  as: number;
  routerId: string;
  /** Prefixes operators' routers connect from. */
  peers: string[];
  /** The include file decree writes; unset, the configuration names where it should be. */
  routesFile: string | undefined;
  birdSocket: string;
}

/** The operator's side: its router's AS, router id and, if it is not the default, its own address and port. */
export interface BirdRouterSide {
  as: number;
  routerId?: string | undefined;
  local?: { host: string; port?: number | undefined } | undefined;
}

const pair = (community: string) => `(${community.replace(":", ",")})`;

/**
 * The BIRD 2 configuration of decree's own daemon. It only announces: it imports nothing, exports only
 * decree's two static protocols, and has no kernel protocol, so the blackhole routes never enter this machine's
 * forwarding table. Sessions are passive (the operators' routers connect) and dynamic (`neighbor range`, any
 * router in a configured prefix and any other AS), so adding an operator needs no change here; multihop because
 * a registry is rarely on the routers' own link.
 */
export function birdSpeakerConfig(side: BirdSpeakerSide): string {
  const routesFile = side.routesFile ?? "/var/lib/decree/bird-routes.conf";
  const lines = [
    "# decree's BIRD 2: announces the blocked addresses as blackhole routes (BLACKHOLE 65535:666, RFC 7999;",
    "# NO_EXPORT, RFC 1997) to operators' routers. decree writes the routes file after each release and runs",
    `# \`birdc -s ${side.birdSocket} configure\` (setting bgpReloadCommand); start it with:`,
    `#   bird -c <this file> -s ${side.birdSocket}`,
    ...(side.routesFile
      ? []
      : [`# Set bgpRoutesFile to ${routesFile} (or change the include below) so that decree writes it.`]),
    `router id ${side.routerId};`,
    "",
    "# Interfaces only; no kernel protocol: nothing is installed in this machine's routing table.",
    "protocol device {}",
    "",
    "# Written by decree (atomically); it must exist before BIRD starts: decree writes it at start, or create",
    "# it empty.",
    `include "${routesFile}";`,
    "",
  ];
  side.peers.forEach((peers, index) => {
    lines.push(
      `protocol bgp decree_operators_${index + 1} {`,
      `  description "operators' routers in ${peers}";`,
      `  local ${side.listen.host} port ${side.listen.port} as ${side.as};`,
      `  neighbor range ${peers} external;`,
      "  passive;",
      "  multihop;",
      `  ipv4 { import none; export where proto = "${birdStaticProtocols.ipv4}"; next hop keep; };`,
      `  ipv6 { import none; export where proto = "${birdStaticProtocols.ipv6}"; next hop keep; };`,
      "}",
      "",
    );
  });
  return lines.join("\n");
}

/**
 * The operator's router side, BIRD 2: one session to decree's BIRD that takes only routes carrying BLACKHOLE and
 * makes them blackholes (RFC 7999 §3.2), announces nothing back, and leaves the routes' NO_EXPORT in place so
 * they stay inside the operator's AS.
 */
export function birdRouterConfig(operator: string, speaker: BirdSpeakerSide, router: BirdRouterSide): string {
  const local = router.local
    ? `${router.local.host}${router.local.port ? ` port ${router.local.port}` : ""} `
    : "";
  return [
    `# ${operator}'s router: takes decree's blackhole routes over BGP (BIRD 2). Merge into your configuration;`,
    "# the router id line is only for a configuration that has none. To discard traffic in this router's",
    "# forwarding table, let your kernel protocol export the routes of protocol decree (they are blackholes);",
    "# as printed, with no kernel protocol, they stay in BIRD.",
    ...(router.routerId ? [`router id ${router.routerId};`] : []),
    "",
    "filter decree_blackhole {",
    `  # Only what carries BLACKHOLE (RFC 7999); it keeps NO_EXPORT ${pair(noExportCommunity)} (RFC 1997).`,
    `  if ! (${pair(blackholeCommunity)} ~ bgp_community) then reject;`,
    "  # Nothing wider than decree ever accepts as a target (/24, /48): a wider route is a fault, not an order.",
    "  if net.type = NET_IP4 && net.len < 24 then reject;",
    "  if net.type = NET_IP6 && net.len < 48 then reject;",
    "  dest = RTD_BLACKHOLE;",
    "  accept;",
    "}",
    "",
    "protocol bgp decree {",
    '  description "decree: routes of blocking orders";',
    `  local ${local}as ${router.as};`,
    `  neighbor ${speaker.listen.host} port ${speaker.listen.port} as ${speaker.as};`,
    "  multihop;",
    "  connect delay time 1;",
    "  ipv4 { import filter decree_blackhole; export none; };",
    "  ipv6 { import filter decree_blackhole; export none; };",
    "}",
    "",
  ].join("\n");
}

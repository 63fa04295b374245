import { DecreeError } from "../errors/decree-error.ts";
import type { DnsAction } from "../intake/order-input.ts";
import type { Operator } from "./operators.ts";

/** The resolvers (and secondaries) decree prints a configuration for; `knot` is the old name of knot-resolver. */
export const resolverKinds = [
  "unbound",
  "bind",
  "powerdns",
  "powerdns-5",
  "knot-resolver",
  "knot-resolver-6",
  "nsd",
  "knot-dns",
  "knot",
] as const;
export type ResolverKind = (typeof resolverKinds)[number];

export interface PrimaryEndpoint {
  /** The zone's apex without trailing dot, e.g. rpz.decree. */
  zone: string;
  /** Address and port of decree's DNS primary as the resolver reaches it. */
  host: string;
  port: number;
  /** Where the HTTP feeds are, for resolvers that read a file rather than transfer a zone. */
  httpBase: string;
  /** Where that address came from, said in the configuration (e.g. "--primary", "the dns setting"). */
  source?: string | undefined;
  /** The public portal a blocked user is sent to (Extended DNS Error text); by default httpBase. */
  portalUrl?: string | undefined;
  /** The stop page's addresses, for an operator whose action is stop-page. */
  stopPage?: { ipv4?: string | undefined; ipv6?: string | undefined } | undefined;
  /** A name that resolves to the stop page, for resolvers whose RPZ override can only be a CNAME. */
  stopPageName?: string | undefined;
  /** The registry's Ed25519 public key (raw, base64), which file-based resolvers check the feed against. */
  feedKey?: string | undefined;
  /** The canary's name (publish/canary-record.ts): what to ask to see which release the resolver applied. */
  canaryName?: string | undefined;
}

/** The secret is never printed: decree shows it once, at `operators add`. */
export const secretPlaceholder = "<the secret shown once by `decree operators add`>";

/** How often a file-based resolver fetches the signed feed (it cannot be told of a change). */
export const feedPollSeconds = 5;

/** Extended DNS Error 16, Censored (RFC 8914 §4.17): the block is imposed by an external authority. */
const edeCensored = 16;

/** A ready-to-paste configuration that makes a resolver an RPZ consumer of decree (RPZ-NOTES.md). */
export function resolverConfig(kind: ResolverKind, operator: Operator, primary: PrimaryEndpoint): string {
  const writers: Record<ResolverKind, (operator: Operator, primary: PrimaryEndpoint) => string> = {
    unbound,
    bind,
    powerdns,
    "powerdns-5": powerdns5,
    "knot-resolver": knotResolver,
    "knot-resolver-6": knotResolver6,
    knot: knotResolver,
    nsd,
    "knot-dns": knotDns,
  };
  const text = writers[kind](operator, primary);
  return primary.canaryName
    ? `${text.replace(/\n+$/, "")}\n${canaryLines(kind, primary.canaryName)}\n`
    : text;
}

/**
 * How to read the release a resolver applied: the canary's RPZ local-data TXT. Measured from these printed
 * configurations: Unbound 1.17, BIND 9.18, PowerDNS Recursor 4.8 and Knot Resolver 5.6 (from the fetched file)
 * all answer it; a secondary (NSD, Knot DNS) passes it on to the resolver behind it.
 */
function canaryLines(kind: ResolverKind, name: string): string {
  const marker =
    kind.startsWith("powerdns") || kind.startsWith("knot-resolver") || kind === "knot" ? "--" : "#";
  const who =
    kind === "nsd" || kind === "knot-dns"
      ? "the resolver behind this secondary answers"
      : "this resolver answers";
  return [
    `${marker} Canary: \`dig @<this resolver> ${name} TXT\`: ${who} "decree serial N <digest>", the release`,
    `${marker} it applied (RPZ local data, TTL 1 s); decree's probes read it to measure how far behind it is.`,
  ].join("\n");
}

/** The text an Extended DNS Error carries: why, and where to read the order (RFC 8914 §2, EXTRA-TEXT). */
export function edeText(primary: PrimaryEndpoint): string {
  return `Blocked by a court or regulator order: see ${primary.portalUrl ?? primary.httpBase}/ for the order`;
}

function sourceLine(comment: string, primary: PrimaryEndpoint): string {
  return `${comment} decree's DNS primary: ${hostPort(primary)} (${primary.source ?? "as given"}).`;
}

function hostPort(primary: PrimaryEndpoint): string {
  return primary.host.includes(":") ? `[${primary.host}]:${primary.port}` : `${primary.host}:${primary.port}`;
}

const isLoopback = (host: string) => host === "::1" || host.startsWith("127.");

/** The stop-page override needs a name for CNAME-only resolvers; without one the override cannot be honoured. */
function stopPageName(kind: string, primary: PrimaryEndpoint): string {
  if (primary.stopPageName) return primary.stopPageName.replace(/\.$/, "");
  throw new DecreeError(
    "OPERATOR_CONFIG_STOP_PAGE_NAME",
    `This operator's action is stop-page, and ${kind} can only rewrite every blocked name to the stop page by a ` +
      "CNAME to its name: set stopPageName in the config file (or DECREE_STOP_PAGE_NAME, or " +
      "--stop-page-name) to a name that resolves to the stop page.",
  );
}

function stopPageAddresses(primary: PrimaryEndpoint): string[] {
  return [primary.stopPage?.ipv4, primary.stopPage?.ipv6].filter((a): a is string => Boolean(a));
}

function unbound(operator: Operator, primary: PrimaryEndpoint): string {
  const override = unboundOverride(operator.action, primary);
  return [
    `# Unbound (1.14 or later) as an RPZ consumer of decree for ${operator.name}.`,
    sourceLine("#", primary),
    "# Unbound cannot sign zone transfers with TSIG (NLnetLabs/unbound#336), so decree must allow this",
    `# resolver's address: ${operator.allow.length > 0 ? operator.allow.join(", ") : "none registered yet; see decree operators add --allow"}.`,
    "# Changes arrive by NOTIFY (decree operators add --notify ADDRESS:PORT of this resolver) and IXFR.",
    "# Extended DNS Errors (RFC 8914): Unbound 1.17 adds none to RPZ answers, whatever `ede:` says, so a",
    "# blocked user is not told why; the NXDOMAIN is signalled by an unset RA flag instead.",
    "server:",
    '    module-config: "respip validator iterator"   # respip is needed for RPZ',
    ...(isLoopback(primary.host)
      ? ["    do-not-query-localhost: no                    # the primary is on this machine"]
      : []),
    ...override.server,
    "rpz:",
    `    name: "${primary.zone}."`,
    `    primary: ${primary.host}@${primary.port}`,
    "    # No zonefile: here. With one, Unbound rewrites the whole zone to disk after every transfer (700-870 ms",
    "    # per change on a 1.5M-record zone); without it a change applies about 20 ms after decree has it.",
    "    rpz-log: yes",
    '    rpz-log-name: "decree"',
    "    rpz-signal-nxdomain-ra: yes",
    ...override.rpz,
    "",
  ].join("\n");
}

function unboundOverride(action: DnsAction | null, primary: PrimaryEndpoint) {
  if (action === "nxdomain") return { server: [], rpz: ["    rpz-action-override: nxdomain"] };
  if (action === "nodata") return { server: [], rpz: ["    rpz-action-override: nodata"] };
  if (action !== "stop-page") return { server: [], rpz: [] };
  // A CNAME is the only rewrite Unbound's override knows; local data pins its target to the stop page, so the
  // block does not depend on the public DNS.
  const name = primary.stopPageName?.replace(/\.$/, "") ?? `stop-page.${primary.zone}`;
  const addresses = stopPageAddresses(primary);
  if (!primary.stopPageName && addresses.length === 0) stopPageName("Unbound", primary);
  return {
    server: addresses.map(
      (address) => `    local-data: "${name}. 60 IN ${address.includes(":") ? "AAAA" : "A"} ${address}"`,
    ),
    rpz: ["    rpz-action-override: cname", `    rpz-cname-override: "${name}."`],
  };
}

function bind(operator: Operator, primary: PrimaryEndpoint): string {
  const key = operator.tsig?.keyName;
  const policy =
    operator.action === "nxdomain" || operator.action === "nodata"
      ? ` policy ${operator.action}`
      : operator.action === "stop-page"
        ? ` policy cname ${stopPageName("BIND", primary)}`
        : "";
  return [
    `// BIND 9 as an RPZ consumer of decree for ${operator.name}.`,
    sourceLine("//", primary),
    "// Extended DNS Errors (RFC 8914): BIND 9.18 has none for RPZ answers (`ede` in response-policy is a",
    "// syntax error there), so a blocked user is not told why.",
    ...(operator.action === "stop-page"
      ? ["// Every blocked name becomes a CNAME to the stop page's name, which must resolve (public DNS)."]
      : []),
    ...(key
      ? [`key "${key}" {`, "    algorithm hmac-sha256;", `    secret "${secretPlaceholder}";`, "};", ""]
      : ["// This operator has no TSIG key: decree must allow this server's address.", ""]),
    "options {",
    "    // min-update-interval defaults to 60 s: the zone would arrive in a second and apply a minute later.",
    `    response-policy { zone "${primary.zone}"${policy} log yes min-update-interval 0; }`,
    "        qname-wait-recurse no break-dnssec yes;",
    "    // BIND asks for the serial after a NOTIFY in ticks of 10/serial-query-rate s: up to 500 ms",
    "    // late at the default 20, ~10 ms at 1000 (a change then applies 20-40 ms after decree has it).",
    "    serial-query-rate 1000;",
    "};",
    "",
    `zone "${primary.zone}" {`,
    "    type secondary;",
    `    primaries { ${primary.host} port ${primary.port}${key ? ` key "${key}"` : ""}; };`,
    `    file "${primary.zone}.db";`,
    "    allow-query { localhost; };",
    "};",
    "",
  ].join("\n");
}

/** PowerDNS's per-zone default policy, the operator's override (Policy.Custom is a CNAME to defcontent). */
function powerdnsOverride(operator: Operator, primary: PrimaryEndpoint): Record<string, string> {
  if (operator.action === "nxdomain") return { defpol: "Policy.NXDOMAIN" };
  if (operator.action === "nodata") return { defpol: "Policy.NODATA" };
  if (operator.action === "stop-page") {
    return { defpol: "Policy.Custom", defcontent: `"${stopPageName("PowerDNS Recursor", primary)}."` };
  }
  return {};
}

/**
 * PowerDNS Recursor 4.x ignores NOTIFY for RPZ and keeps whole answers in its packet cache, where the policy is
 * never consulted again: measured, a name resolved before its approval stayed reachable for its TTL (293 s at
 * TTL 300). Hence a 1 s poll of the SOA and no packet cache.
 */
function powerdns(operator: Operator, primary: PrimaryEndpoint): string {
  const options = {
    policyName: '"decree"',
    ...(operator.tsig
      ? {
          tsigname: `"${operator.tsig.keyName}"`,
          tsigalgo: '"hmac-sha256"',
          tsigsecret: `"${secretPlaceholder}"`,
        }
      : {}),
    refresh: "1",
    extendedErrorCode: String(edeCensored),
    extendedErrorExtra: `"${edeText(primary)}"`,
    ...powerdnsOverride(operator, primary),
  };
  const lua = Object.entries(options)
    .map(([key, value]) => `  ${key}=${value}`)
    .join(",\n");
  return [
    `# PowerDNS Recursor 4.x as an RPZ consumer of decree for ${operator.name}: two files.`,
    sourceLine("#", primary),
    "# ---- recursor.conf ----",
    "lua-config-file=/etc/powerdns/recursor.lua",
    "# 4.x polls (refresh below): measured on 4.8, a NOTIFY accepted by allow-notify-for does not refresh",
    "# an RPZ, so a change shows within the 1 s poll and the transfer (84-957 ms after the release).",
    "# Answers in the packet cache never see a new policy: even at packetcache-ttl=1 a name asked all the",
    "# time stayed answered from it up to 1 s after the new RPZ was in (1.3 s after the release). Without",
    "# the packet cache the policy is checked on every query; the record cache still spares the upstream.",
    "disable-packetcache=yes",
    "# ---- recursor.lua ----",
    `-- Extended DNS Error ${edeCensored} (Censored, RFC 8914) with the text below on every blocked answer.`,
    "-- PowerDNS sets one code per RPZ zone, so an order's own choice (15 Blocked, 17 Filtered) is not carried.",
    "-- rpzPrimary is 4.5 and later; before 4.5 the same call is named rpzMaster.",
    `rpzPrimary({"${hostPort(primary)}"}, "${primary.zone}.", {`,
    lua,
    "})",
    "",
  ].join("\n");
}

/** PowerDNS Recursor 5 reads YAML (recursor.yml): the same settings as 4.x, in its settings' YAML names. */
function powerdns5(operator: Operator, primary: PrimaryEndpoint): string {
  const override = powerdnsOverride(operator, primary);
  const policy: Record<string, string> = {
    "Policy.NXDOMAIN": "NXDOMAIN",
    "Policy.NODATA": "NODATA",
    "Policy.Custom": "Custom",
  };
  return [
    `# PowerDNS Recursor 5 (recursor.yml) as an RPZ consumer of decree for ${operator.name}.`,
    sourceLine("#", primary),
    "# rpzs: in YAML is 5.1 and later (5.0 keeps the Lua file of --for powerdns). Not run in decree's tests",
    "# (they have 4.8): written from the 5.x settings reference.",
    "packetcache:",
    "  # Answers in the packet cache never see a new policy (4.8, measured: up to 1 s late even at a 1 s TTL).",
    "  disable: true",
    "incoming:",
    "  # Accept decree's NOTIFY for the zone. Whether 5.x then refreshes the RPZ at once is not verified here;",
    "  # refresh: 1 below polls the SOA every second regardless.",
    "  allow_notify_for:",
    `    - ${primary.zone}`,
    "  allow_notify_from:",
    `    - ${primary.host}`,
    "rpzs:",
    `  - name: ${primary.zone}`,
    "    addresses:",
    `      - ${hostPort(primary)}`,
    "    policyName: decree",
    "    refresh: 1",
    ...(operator.tsig
      ? [
          "    tsig:",
          `      name: ${operator.tsig.keyName}`,
          "      algo: hmac-sha256",
          `      secret: "${secretPlaceholder}"`,
        ]
      : []),
    `    extendedErrorCode: ${edeCensored}`,
    `    extendedErrorExtra: "${edeText(primary)}"`,
    ...(override.defpol ? [`    defpol: ${policy[override.defpol]}`] : []),
    ...(override.defcontent ? [`    defcontent: ${override.defcontent}`] : []),
    "",
  ].join("\n");
}

function feedFile(primary: PrimaryEndpoint): string {
  return `/var/lib/knot-resolver/${primary.zone}.zone`;
}

/** The shell line that keeps the file current: verified, atomic, every few seconds (scripts/decree-rpz-fetch.sh). */
function fetchCommand(primary: PrimaryEndpoint, comment: string): string[] {
  return [
    `${comment} Keep the file current from decree's signed feed, checked against the registry's Ed25519 key: decree`,
    `${comment} ships scripts/decree-rpz-fetch.sh (curl and openssl 3). It downloads to a temporary file, checks`,
    `${comment} the signature and that it is a whole zone, and only then renames it over the old one; a bad`,
    `${comment} download leaves the old file in place. Run it as a service, every ${feedPollSeconds} s:`,
    `${comment}   decree-rpz-fetch.sh --url ${primary.httpBase}/feeds/rpz \\`,
    `${comment}     --key ${primary.feedKey ?? "<the registry's public key: decree keys>"} \\`,
    `${comment}     --out ${feedFile(primary)} --every ${feedPollSeconds}`,
  ];
}

/** An empty zone that loads: SOA and NS, no trigger, so the resolver starts before the first fetch. */
function emptyZone(primary: PrimaryEndpoint): string {
  return `$ORIGIN ${primary.zone}.\\n@ 60 IN SOA localhost. hostmaster.${primary.zone}. 0 300 60 2592000 60\\n@ 60 IN NS localhost.\\n`;
}

function knotResolver(operator: Operator, primary: PrimaryEndpoint): string {
  const file = feedFile(primary);
  const text = edeText(primary).replaceAll("'", "");
  const addresses = stopPageAddresses(primary);
  const override =
    operator.action === "nxdomain"
      ? "policy.DENY"
      : operator.action === "nodata"
        ? "policy.ANSWER({}, true)"
        : operator.action === "stop-page" && addresses.length > 0
          ? `policy.ANSWER({ ${addresses
              .map(
                (a) =>
                  `[kres.type.${a.includes(":") ? "AAAA" : "A"}] = { rdata = kres.str2ip('${a}'), ttl = 60 }`,
              )
              .join(", ")} }, true)`
          : operator.action === "stop-page"
            ? "policy.DENY"
            : undefined;
  return [
    `-- Knot Resolver 5 (kresd.conf) as an RPZ consumer of decree for ${operator.name}.`,
    `-- Knot Resolver reads RPZ from a file and watches it; it does not transfer zones, so decree's DNS primary`,
    `-- is not used: it fetches ${primary.httpBase}/feeds/rpz (publicUrl, else --http-base or decree's --http).`,
    ...fetchCommand(primary, "--"),
    "-- It supports QNAME and *. triggers only: address (rpz-ip) entries are not applied; use /feeds/cidr.",
    ...(operator.action === "stop-page" && addresses.length === 0
      ? ["-- This operator's action is stop-page but decree has no stop page address: NXDOMAIN instead."]
      : []),
    `-- Blocked answers carry Extended DNS Error ${edeCensored} (Censored, RFC 8914) and the text below, or the`,
    "-- code an order chose (15 Blocked, 17 Filtered), which the feed notes after the record (; ede 15).",
    `local decree_file = '${file}'`,
    "-- Until the first fetch, an empty zone: kresd refuses to start on a missing file.",
    "if not io.open(decree_file) then",
    "  local empty = assert(io.open(decree_file, 'w'))",
    `  empty:write("${emptyZone(primary)}")`,
    "  empty:close()",
    "end",
    "-- The orders' own codes, read again whenever the feed's first line (its serial) changes.",
    "local decree_codes, decree_serial = {}, nil",
    "local function decree_read_codes()",
    "  local f = io.open(decree_file)",
    "  if not f then return end",
    "  local first = f:read('*l')",
    "  if first ~= decree_serial then",
    "    local codes = {}",
    "    for line in f:lines() do",
    "      local owner, code = line:match('^(%S+) .*; ede (%d+)$')",
    "      if owner then codes[owner:lower()] = tonumber(code) end",
    "    end",
    "    decree_codes, decree_serial = codes, first",
    "  end",
    "  f:close()",
    "end",
    "decree_read_codes()",
    `event.recurrent(${feedPollSeconds} * sec, decree_read_codes)`,
    "local function decree_code(query)",
    "  local name = kres.dname2str(query.sname):lower():gsub('%.$', '')",
    "  local code = decree_codes[name]",
    "  while not code and name:find('%.') do",
    "    name = name:gsub('^[^.]*%.', '')",
    "    code = decree_codes['*.' .. name]",
    "  end",
    `  return code or ${edeCensored}`,
    "end",
    "local decree_reasons = { [15] = kres.extended_error.BLOCKED, [16] = kres.extended_error.CENSORED,",
    "  [17] = kres.extended_error.FILTERED }",
    "local function decree_censored(action, code)",
    "  return function(state, req)",
    "    local result = action(state, req)",
    "    -- The action's own code (15 Blocked, 4 Forged Answer) gives way to the reason.",
    "    req:set_extended_error(kres.extended_error.NONE)",
    `    req:set_extended_error(decree_reasons[code] or kres.extended_error.CENSORED, '${text}')`,
    "    return result",
    "  end",
    "end",
    "local decree_match = policy.rpz(policy.DENY, decree_file, true)",
    ...(override
      ? [
          "-- The operator's action replaces each entry's own.",
          "policy.add(function(req, query)",
          `  if decree_match(req, query) then return decree_censored(${override}, decree_code(query)) end`,
          "end)",
        ]
      : [
          "policy.add(function(req, query)",
          "  local action = decree_match(req, query)",
          "  if action then return decree_censored(action, decree_code(query)) end",
          "end)",
        ]),
    "",
  ].join("\n");
}

/** Knot Resolver 6 is configured in YAML (config.yaml) and loads RPZ files under local-data. */
function knotResolver6(operator: Operator, primary: PrimaryEndpoint): string {
  return [
    `# Knot Resolver 6 (config.yaml) as an RPZ consumer of decree for ${operator.name}.`,
    "# Not run in decree's tests (they have 5.6): written from the 6.x configuration reference.",
    `# It reads ${primary.httpBase}/feeds/rpz from a file it watches; decree's DNS primary is not used.`,
    ...fetchCommand(primary, "#"),
    "# Start the fetch once before the resolver, so that the file exists (6.x refuses a missing file).",
    "# QNAME and *. triggers only: address (rpz-ip) entries are not applied; use /feeds/cidr.",
    ...(operator.action
      ? [
          `# The per-operator action (${operator.action}) cannot be set on a 6.x RPZ: each entry's own applies.`,
        ]
      : []),
    "local-data:",
    "  rpz:",
    `    - file: ${feedFile(primary)}`,
    "      watchdog: true",
    "",
  ].join("\n");
}

/** NSD and Knot DNS as TSIG secondaries of decree, feeding the resolvers behind them by NOTIFY and IXFR. */
function nsd(operator: Operator, primary: PrimaryEndpoint): string {
  const key = operator.tsig?.keyName;
  return [
    `# NSD 4 as a secondary of decree's RPZ for ${operator.name}, serving it to the resolvers behind it.`,
    sourceLine("#", primary),
    key
      ? "# decree signs its NOTIFY with the key, so only the primary holding it can trigger a transfer (RFC 8945)."
      : "# This operator has no TSIG key: NOKEY accepts NOTIFY from the primary's address only.",
    "# Point each resolver at this server (e.g. decree operators config ... --for unbound --primary THIS:PORT)",
    "# and list it under provide-xfr and notify below (127.0.0.1@53: a resolver on this machine).",
    ...(key
      ? ["key:", `    name: "${key}"`, "    algorithm: hmac-sha256", `    secret: "${secretPlaceholder}"`]
      : []),
    "zone:",
    `    name: "${primary.zone}"`,
    `    zonefile: "${primary.zone}.zone"`,
    `    request-xfr: ${primary.host}@${primary.port} ${key ?? "NOKEY"}`,
    `    allow-notify: ${primary.host} ${key ?? "NOKEY"}`,
    "    provide-xfr: 127.0.0.1 NOKEY",
    "    notify: 127.0.0.1@53 NOKEY",
    "",
  ].join("\n");
}

function knotDns(operator: Operator, primary: PrimaryEndpoint): string {
  const key = operator.tsig?.keyName;
  return [
    `# Knot DNS 3 as a secondary of decree's RPZ for ${operator.name}, serving it to the resolvers behind it.`,
    sourceLine("#", primary),
    key
      ? "# decree signs its NOTIFY with the key: the notify ACL asks for it as well as the primary's address."
      : "# This operator has no TSIG key: the notify ACL names the primary's address only.",
    "# Point each resolver at this server and list it under the remote `resolvers` (127.0.0.1@53: one on",
    "# this machine), which may transfer the zone and is told of each change.",
    ...(key
      ? ["key:", `  - id: ${key}`, "    algorithm: hmac-sha256", `    secret: ${secretPlaceholder}`]
      : []),
    "remote:",
    "  - id: decree",
    `    address: ${primary.host}@${primary.port}`,
    ...(key ? [`    key: ${key}`] : []),
    "  - id: resolvers",
    "    address: 127.0.0.1@53",
    "acl:",
    "  - id: decree_notify",
    `    address: ${primary.host}`,
    ...(key ? [`    key: ${key}`] : []),
    "    action: notify",
    "  - id: resolvers_transfer",
    "    address: 127.0.0.1",
    "    action: transfer",
    "zone:",
    `  - domain: ${primary.zone}`,
    "    master: decree",
    "    notify: resolvers",
    "    acl: [decree_notify, resolvers_transfer]",
    "    # The zone lives in Knot's journal; no zone file is rewritten on each change.",
    "    zonefile-sync: -1",
    "    zonefile-load: none",
    "    journal-content: all",
    "",
  ].join("\n");
}

import type { DnsAction } from "../intake/order-input.ts";
import type { Operator } from "./operators.ts";

export const resolverKinds = ["unbound", "bind", "powerdns", "knot"] as const;
export type ResolverKind = (typeof resolverKinds)[number];

export interface PrimaryEndpoint {
  /** The zone's apex without trailing dot, e.g. rpz.decree. */
  zone: string;
  /** Address and port of decree's DNS primary as the resolver reaches it. */
  host: string;
  port: number;
  /** Where the HTTP feeds are, for resolvers that read a file rather than transfer a zone. */
  httpBase: string;
}

const secretPlaceholder = "<the secret shown once by `decree operators add`>";

/** A ready-to-paste configuration that makes a resolver an RPZ consumer of decree (RPZ-NOTES.md). */
export function resolverConfig(kind: ResolverKind, operator: Operator, primary: PrimaryEndpoint): string {
  return { unbound, bind, powerdns, knot }[kind](operator, primary);
}

function unbound(operator: Operator, primary: PrimaryEndpoint): string {
  const loopback = primary.host === "127.0.0.1" || primary.host === "::1";
  return [
    `# Unbound as an RPZ consumer of decree for ${operator.name}.`,
    "# Unbound cannot sign zone transfers with TSIG (NLnetLabs/unbound#336), so decree must allow this",
    `# resolver's address: ${operator.allow.length > 0 ? operator.allow.join(", ") : "none registered yet; see decree operators add --allow"}.`,
    "server:",
    '    module-config: "respip validator iterator"   # respip is needed for RPZ',
    ...(loopback
      ? ["    do-not-query-localhost: no                    # the primary is on this machine"]
      : []),
    "rpz:",
    `    name: "${primary.zone}."`,
    `    primary: ${primary.host}@${primary.port}`,
    "    # No zonefile: here. With one, Unbound rewrites the whole zone to disk after every transfer (700-870 ms",
    "    # per change on a 1.5M-record zone); without it a change applies about 20 ms after decree has it.",
    "    rpz-log: yes",
    '    rpz-log-name: "decree"',
    ...unboundOverride(operator.action),
    "",
  ].join("\n");
}

function unboundOverride(action: DnsAction | null): string[] {
  if (action === "nxdomain") return ["    rpz-action-override: nxdomain"];
  if (action === "nodata") return ["    rpz-action-override: nodata"];
  return [];
}

function bind(operator: Operator, primary: PrimaryEndpoint): string {
  const key = operator.tsig?.keyName;
  const policy =
    operator.action === "nxdomain" || operator.action === "nodata" ? ` policy ${operator.action}` : "";
  return [
    `// BIND 9 as an RPZ consumer of decree for ${operator.name}.`,
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

function powerdns(operator: Operator, primary: PrimaryEndpoint): string {
  const tsig = operator.tsig
    ? `, tsigname="${operator.tsig.keyName}", tsigalgo="hmac-sha256", tsigsecret="${secretPlaceholder}"`
    : "";
  const override =
    operator.action === "nxdomain"
      ? ", defpol=Policy.NXDOMAIN"
      : operator.action === "nodata"
        ? ", defpol=Policy.NODATA"
        : "";
  return [
    `-- PowerDNS Recursor 4.8 (recursor.lua) as an RPZ consumer of decree for ${operator.name}.`,
    "-- 4.8 ignores NOTIFY for RPZ: it polls every `refresh` seconds, so changes arrive up to that late.",
    `rpzPrimary({"${primary.host}:${primary.port}"}, "${primary.zone}.", { policyName="decree"${tsig}, refresh=10${override} })`,
    "",
  ].join("\n");
}

function knot(operator: Operator, primary: PrimaryEndpoint): string {
  const file = `/var/lib/knot-resolver/${primary.zone}.zone`;
  return [
    `-- Knot Resolver 5 as an RPZ consumer of decree for ${operator.name}.`,
    "-- Knot Resolver reads RPZ from a file and watches it; it does not transfer zones. Keep the file current",
    "-- from decree's feed, renaming atomically, e.g. every minute from cron or a systemd timer:",
    `--   curl -fsS ${primary.httpBase}/feeds/rpz -o ${file}.tmp && mv ${file}.tmp ${file}`,
    "-- It supports QNAME and *. triggers (no rpz-ip), and A/AAAA local data rather than a CNAME stop page.",
    `policy.add(policy.rpz(policy.DENY, '${file}', true))`,
    "",
  ].join("\n");
}

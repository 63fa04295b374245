import { Command, Option } from "commander";
import { parseAsNumber, parseRouterAddress } from "../../config/bgp-settings.ts";
import { formatHostPort, parseHostPort } from "../../config/host-port.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { dnsActions } from "../../intake/order-input.ts";
import { birdRouterConfig } from "../../publish/bgp/bird-configs.ts";
import { defaultCanaryName } from "../../publish/canary-record.ts";
import { enforcerKinds } from "../../publish/enforcer-kind.ts";
import { addOperator, findOperator, listOperators, type Operator } from "../../publish/operators.ts";
import { parseGrace, rekeyOperator } from "../../publish/rekey-operator.ts";
import { removeOperator } from "../../publish/remove-operator.ts";
import { type ResolverKind, resolverConfig, resolverKinds } from "../../publish/resolver-config.ts";
import { registrySigningKey } from "../../publish/signing-key.ts";
import { updateOperator } from "../../publish/update-operator.ts";
import { formatResolverEndpoint } from "../../verify/probes/resolver-endpoint.ts";
import { addResolver, listResolvers } from "../../verify/probes/resolvers.ts";
import { actorOf, configOf, globalOptions, withStore } from "../cli-context.ts";
import { output, table } from "../output.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function operatorsCommand(): Command {
  const operators = new Command("operators");

  operators
    .command("add")
    .description("register an operator; its TSIG key is generated and shown once")
    .argument("<name>", "the operator's name, e.g. Orange")
    .option("--notify <ip:port>", "a secondary to NOTIFY on each release (repeatable)", collect, [])
    .option(
      "--allow <address|prefix>",
      "may transfer without TSIG, e.g. for Unbound (repeatable)",
      collect,
      [],
    )
    .option("--no-tsig", "no TSIG key (the operator transfers by address only)")
    .addOption(
      new Option("--action <action>", "how this operator's resolvers answer (config override)").choices(
        dnsActions,
      ),
    )
    .addOption(kindOption())
    .action(async (name: string, options: AddOptions, command: Command) => {
      const { operator, secret } = await withStore(command, (store) =>
        addOperator(store.db, { ...options, name }, { actor: actorOf(command), now: new Date() }),
      );
      output(globalOptions(command).json, { operator, secret }, () =>
        [
          `registered operator ${operator.name}`,
          ...(secret
            ? [
                `  TSIG key ${operator.tsig?.keyName} (hmac-sha256), secret:`,
                `  ${secret}`,
                "  Keep it now: decree will not show it again.",
              ]
            : ["  no TSIG key: transfers are allowed from its --allow addresses only"]),
          `  resolver configuration: decree operators config "${operator.name}" --for ${resolverKinds.filter((k) => k !== "knot").join("|")}`,
          `  router (BGP blackhole routes): decree operators config "${operator.name}" --for bird --router-as ASN`,
        ].join("\n"),
      );
    });

  operators
    .command("list")
    .description("list operators")
    .action(async (_options: unknown, command: Command) => {
      const list = await withStore(command, (store) => listOperators(store.db));
      output(globalOptions(command).json, { operators: list }, () => operatorsTable(list));
    });

  operators
    .command("update")
    .description(
      "change an operator's NOTIFY targets, unsigned-transfer addresses, action, kind, or whether it is a canary",
    )
    .argument("<name>", "the operator")
    .option("--notify <ip:port>", "replaces the secondaries to NOTIFY (repeatable)", collect)
    .option(
      "--allow <address|prefix>",
      "replaces the addresses that may transfer unsigned (repeatable)",
      collect,
    )
    .option("--no-notify", "NOTIFY no secondary")
    .option("--no-allow", "no transfers without TSIG")
    .addOption(
      new Option("--action <action>", "how its resolvers answer; `default` for the registry's").choices([
        ...dnsActions,
        "default",
      ]),
    )
    .addOption(kindOption())
    .option("--canary", "gets staged releases first; they go to everyone once canaries apply them")
    .option("--no-canary", "gets releases only once they go to everyone")
    .action(async (name: string, options: UpdateOptions, command: Command) => {
      const list = (value: string[] | boolean | undefined) =>
        value === false ? [] : Array.isArray(value) ? value : undefined;
      const operator = await withStore(command, (store) =>
        updateOperator(
          store.db,
          name,
          {
            notify: list(options.notify),
            allow: list(options.allow),
            action: options.action === "default" ? null : options.action,
            kind: options.kind,
            canary: options.canary,
          },
          { actor: actorOf(command), now: new Date() },
        ),
      );
      output(globalOptions(command).json, { operator }, () =>
        [`updated operator ${operator.name}`, operatorsTable([operator])].join("\n"),
      );
    });

  operators
    .command("remove")
    .description("remove an operator: no more NOTIFY, its key and addresses stop working at once")
    .argument("<name>", "the operator")
    .option("--reason <text>", "why, for the log")
    .action(async (name: string, options: { reason?: string }, command: Command) => {
      const operator = await withStore(command, (store) =>
        removeOperator(store.db, name, { actor: actorOf(command), now: new Date(), reason: options.reason }),
      );
      output(globalOptions(command).json, { operator }, () => `removed operator ${operator.name}`);
    });

  operators
    .command("rekey")
    .description("issue a new TSIG key; the old one keeps working for the grace period, then stops")
    .argument("<name>", "the operator")
    .option("--grace <duration>", "how long the old key keeps working, e.g. 7d, 12h, 0s", "7d")
    .action(async (name: string, options: { grace: string }, command: Command) => {
      const graceMs = parseGrace(options.grace);
      const { operator, secret } = await withStore(command, (store) =>
        rekeyOperator(store.db, name, { actor: actorOf(command), now: new Date(), graceMs }),
      );
      output(globalOptions(command).json, { operator, secret }, () =>
        [
          `new TSIG key for ${operator.name}: ${operator.tsig?.keyName} (hmac-sha256), secret:`,
          `  ${secret}`,
          "  Keep it now: decree will not show it again.",
          `  the old key ${operator.previousKey?.keyName} works until ${operator.previousKey?.validUntil}`,
          `  new resolver configuration: decree operators config "${operator.name}" --for bind|powerdns|knot`,
        ].join("\n"),
      );
    });

  operators
    .command("config")
    .description("print a ready-to-paste resolver configuration for an operator")
    .argument("<name>", "the operator")
    .addOption(
      new Option(
        "--for <resolver>",
        "the resolver software (knot: the old name of knot-resolver); nsd and knot-dns as secondaries; bird: " +
          "the router side of the BGP route feed",
      )
        .choices([...resolverKinds, ...routerKinds])
        .makeOptionMandatory(),
    )
    .option(
      "--primary <host:port>",
      "decree's DNS primary as the resolver reaches it (default: the --dns address)",
    )
    .option("--http-base <url>", "decree's HTTP base as the resolver reaches it (default: from --http)")
    .option(
      "--stop-page-name <name>",
      "a name resolving to the stop page, for BIND and PowerDNS (default: the stopPageName setting)",
    )
    .option("--router-as <number>", "bird: the operator's AS number", "64513")
    .option("--router-id <ipv4>", "bird: the router id, for a configuration that has none")
    .option(
      "--router-address <host[:port]>",
      "bird: the router's own address (and BGP port) for the session (default: any, port 179)",
    )
    .option("--speaker <host:port>", "bird: decree's BIRD as the router reaches it (default: bgpListen)")
    .action(async (name: string, options: ConfigOptions, command: Command) => {
      const config = configOf(command);
      if (options.for === "bird") {
        const operator = await withStore(command, (store) => findOperator(store.db, name));
        const text = birdRouterConfig(
          operator.name,
          {
            ...config.bgp,
            listen: options.speaker
              ? parseHostPort(options.speaker, "decree's BIRD (--speaker)")
              : config.bgp.listen,
          },
          {
            as: parseAsNumber(options.routerAs, "--router-as"),
            routerId: options.routerId,
            local: parseRouterAddress(options.routerAddress),
          },
        );
        output(
          globalOptions(command).json,
          { operator: operator.name, router: "bird", config: text },
          () => text,
        );
        return;
      }
      const resolver = options.for;
      const { operator, feedKey } = await withStore(command, async (store) => ({
        operator: await findOperator(store.db, name),
        feedKey: (await registrySigningKey(store.db)).publicKey,
      }));
      const [host, port] = splitPrimary(options.primary) ?? [config.dns.host, config.dns.port];
      const source = options.primary ? "--primary" : config.dnsSource;
      if (host === "0.0.0.0" || host === "::") {
        throw new DecreeError(
          "OPERATOR_CONFIG_PRIMARY_UNKNOWN",
          `decree's DNS primary listens on every address (${host}, from ${source}), which no resolver can be ` +
            "pointed at: pass --primary HOST:PORT with the address the resolver reaches it at.",
        );
      }
      const httpBase = options.httpBase ?? config.publicUrl ?? `http://${formatHostPort(config.http)}`;
      const text = resolverConfig(resolver, operator, {
        zone: config.rpzZone,
        host,
        port,
        httpBase,
        source,
        portalUrl: config.publicUrl ?? httpBase,
        stopPage: config.stopPage,
        stopPageName: options.stopPageName ?? config.stopPageName,
        feedKey,
        canaryName: config.canaryName ?? defaultCanaryName(config.rpzZone, config.publicUrl),
      });
      output(globalOptions(command).json, { operator: operator.name, resolver, config: text }, () => text);
    });

  operators.addCommand(resolverCommand());

  return operators;
}

/** `decree operators resolver add|list`: the resolvers probes ask. */
function resolverCommand(): Command {
  const resolver = new Command("resolver").description("an operator's resolvers, which probes ask");
  resolver
    .command("add")
    .description("register one of an operator's resolvers to probe (UDP unless told)")
    .argument("<name>", "the operator")
    .argument("<host:port>", "the resolver's address, e.g. 192.0.2.53:53 or [2001:db8::53]:853")
    .addOption(new Option("--tcp", "ask over TCP (RFC 7766)").conflicts(["tls", "https"]))
    .addOption(new Option("--tls", "ask over DNS over TLS (RFC 7858)").conflicts(["tcp", "https"]))
    .addOption(
      new Option("--https <url>", "ask over DNS over HTTPS at this URL (RFC 8484)").conflicts(["tcp", "tls"]),
    )
    .action(async (name: string, address: string, options: ResolverOptions, command: Command) => {
      const transport = options.https ? "https" : options.tls ? "tls" : options.tcp ? "tcp" : "udp";
      const added = await withStore(command, (store) =>
        addResolver(
          store.db,
          { operator: name, address, transport, url: options.https },
          { actor: actorOf(command), now: new Date() },
        ),
      );
      output(globalOptions(command).json, { resolver: added }, () =>
        [
          `registered resolver ${formatResolverEndpoint(added)} for ${added.operator}`,
          `  probe it now: decree probe run --operator ${JSON.stringify(added.operator)}`,
        ].join("\n"),
      );
    });
  resolver
    .command("list")
    .description("list the resolvers probes ask")
    .argument("[name]", "one operator's only")
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      const list = await withStore(command, (store) => listResolvers(store.db, name));
      output(globalOptions(command).json, { resolvers: list }, () =>
        list.length === 0
          ? "no resolvers yet; register one with `decree operators resolver add NAME HOST:PORT`"
          : table([
              ["OPERATOR", "RESOLVER", "SINCE"],
              ...list.map((r) => [r.operator, formatResolverEndpoint(r), r.createdAt]),
            ]),
      );
    });
  return resolver;
}

interface ResolverOptions {
  tcp?: boolean;
  tls?: boolean;
  https?: string;
}

interface AddOptions {
  notify: string[];
  allow: string[];
  tsig: boolean;
  action?: string;
  kind?: string;
}

interface UpdateOptions {
  notify?: string[] | boolean;
  allow?: string[] | boolean;
  action?: string;
  kind?: string;
  canary?: boolean;
}

function kindOption(): Option {
  return new Option("--kind <kind>", "the enforcer kind orders address (default isp)").choices(enforcerKinds);
}

/** The routers decree prints the operator's side of its BGP route feed for. */
const routerKinds = ["bird"] as const;

interface ConfigOptions {
  for: ResolverKind | (typeof routerKinds)[number];
  routerAs: string;
  routerId?: string;
  routerAddress?: string;
  speaker?: string;
  primary?: string;
  httpBase?: string;
  stopPageName?: string;
}

function splitPrimary(text: string | undefined): [string, number] | undefined {
  if (!text) return undefined;
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  return match ? [match[1]!, Number(match[2])] : [text, 53];
}

function operatorsTable(list: Operator[]): string {
  if (list.length === 0) return "no operators yet; register one with `decree operators add NAME`";
  return table([
    ["NAME", "KIND", "TSIG KEY", "NOTIFY", "ALLOW", "ACTION", "CANARY"],
    ...list.map((o) => [
      o.name,
      o.kind,
      o.tsig?.keyName ?? "-",
      o.notify.map((n) => formatHostPort(n)).join(",") || "-",
      o.allow.join(",") || "-",
      o.action ?? "-",
      o.canary ? "yes" : "-",
    ]),
  ]);
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../src/config/load-config.ts";
import type { DnsAction } from "../../src/intake/order-input.ts";
import { recordOrder } from "../../src/intake/record-order.ts";
import { type RunningService, startService } from "../../src/main.ts";
import { type AddedOperator, addOperator } from "../../src/publish/operators.ts";
import { type ResolverKind, resolverConfig } from "../../src/publish/resolver-config.ts";
import { decideTargets } from "../../src/registry/decide-targets.ts";
import { tokenFor } from "./accounts.ts";
import { startBind } from "./bind.ts";
import { type Daemon, startDaemon } from "./daemon.ts";
import { freePort } from "./free-port.ts";
import { startKnotDns } from "./knot-dns.ts";
import { startKnotResolver } from "./knot-resolver.ts";
import { startNsd } from "./nsd.ts";
import { startPowerDns } from "./powerdns.ts";
import type { ResolverUnderTest } from "./resolver-process.ts";
import { sampleOrder } from "./sample-order.ts";
import { startUnbound } from "./unbound.ts";
import { startUpstream, type Upstream } from "./upstream.ts";

/**
 * Every resolver decree prints a configuration for, each started from that printed text alone (plus the
 * operator's secret, ports and paths), all RPZ consumers of one real decree service on loopback. Names that are
 * not blocked resolve through a loopback authority (upstream.ts); nothing leaves the machine.
 */

export const zone = "rpz.decree";
export const stopPage = "192.0.2.80";
/** The stop page's public name, which the upstream answers with the stop page's address. */
export const stopPageName = "stop.decree-portal.net";
const day = 86_400_000;
const actor = "test:resolver-configs";

export interface FleetMember {
  /** e.g. "PowerDNS Recursor (stop-page)", "Unbound behind NSD". */
  label: string;
  kind: ResolverKind;
  /** The operator it enforces for, named after its kind and its place in the plan. */
  operator: string;
  action: DnsAction | null;
  resolver: ResolverUnderTest;
  /** The text decree printed for it. */
  printed: string;
  /** Whether its blocked answers carry an Extended DNS Error (RFC 8914). */
  ede: boolean;
}

export interface Fleet {
  service: RunningService;
  upstream: Upstream;
  members: FleetMember[];
  /** The secondaries (NSD, Knot DNS) that feed an Unbound behind them. */
  secondaries: ResolverUnderTest[];
  /** The feed fetchers of the Knot Resolvers. */
  fetchers: Daemon[];
  order(targets: unknown[], overrides?: Record<string, unknown>): Promise<string[]>;
  decide(decision: "approve" | "lift", refs: string[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface FleetOptions {
  /** The upstream's domains: every name the caller asks about is under one. */
  domains: string[];
  /** The upstream's TTL for A records (300, as a typical site's). */
  ttl?: number;
  /** Also start each resolver a second time for an operator whose action is stop-page. */
  stopPageOperators?: boolean;
}

interface Plan {
  label: string;
  kind: ResolverKind;
  action: DnsAction | null;
  tsig: boolean;
  ede: boolean;
  /** Where decree sends NOTIFY: the resolver's own port, or a secondary's. */
  notify: boolean;
}

const plans = (stop: boolean): Plan[] => {
  const base: Plan[] = [
    { label: "Unbound", kind: "unbound", action: null, tsig: false, ede: false, notify: true },
    { label: "BIND", kind: "bind", action: null, tsig: true, ede: false, notify: true },
    { label: "PowerDNS Recursor", kind: "powerdns", action: null, tsig: true, ede: true, notify: false },
    { label: "Knot Resolver", kind: "knot-resolver", action: null, tsig: false, ede: true, notify: false },
    { label: "Unbound behind NSD", kind: "nsd", action: null, tsig: true, ede: false, notify: true },
    {
      label: "Unbound behind Knot DNS",
      kind: "knot-dns",
      action: null,
      tsig: true,
      ede: false,
      notify: true,
    },
  ];
  if (!stop) return base;
  return [
    ...base,
    ...base
      .filter((plan) => plan.kind !== "nsd" && plan.kind !== "knot-dns")
      .map((plan) => ({ ...plan, label: `${plan.label} (stop-page)`, action: "stop-page" as const })),
  ];
};

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-resolver-configs-"));
  const upstream = await startUpstream([...options.domains, "decree-portal.net"], "127.0.0.1", {
    fixed: { [stopPageName]: stopPage },
    ttl: options.ttl ?? 300,
  });
  const config = {
    ...loadConfig(
      { data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0", stopPage: [stopPage] },
      { DECREE_STOP_PAGE_NAME: stopPageName },
    ),
    // No blanket rule for loopback: only the operators' own addresses and keys let anyone transfer.
    transferAllow: [],
  };
  const service = await startService(config, { clockIntervalMs: 100 });
  const members: FleetMember[] = [];
  const secondaries: ResolverUnderTest[] = [];
  const fetchers: Daemon[] = [];
  const starters: Array<() => Promise<unknown>> = [];
  const base = `http://127.0.0.1:${service.http.port}`;
  const now = new Date();

  for (const [index, plan] of plans(options.stopPageOperators ?? false).entries()) {
    const port = await freePort();
    const name = `${plan.kind}-${index}`;
    const added: AddedOperator = await addOperator(
      service.store.db,
      {
        name,
        tsig: plan.tsig,
        notify: plan.notify ? [`127.0.0.1:${port}`] : [],
        allow: plan.tsig ? [] : ["127.0.0.1"],
        action: plan.action ?? undefined,
      },
      { actor, now },
    );
    const secret = added.secret ?? undefined;
    // What the operator's dashboard shows (the same text as `decree operators config NAME --for KIND`).
    const { token } = await tokenFor(service.store, "operator", name);
    const response = await fetch(`${base}/operators/own/config?for=${plan.kind}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const printed = await response.text();
    if (response.status !== 200) throw new Error(`no ${plan.kind} configuration: ${printed}`);
    const member = (resolver: ResolverUnderTest, shown = printed) =>
      members.push({ ...plan, operator: name, resolver, printed: shown });
    switch (plan.kind) {
      case "unbound":
        starters.push(() => startUnbound({ port, rpz: printed, upstream }).then((r) => member(r)));
        break;
      case "bind":
        starters.push(() => startBind({ port, rpz: printed, secret, upstream }).then((r) => member(r)));
        break;
      case "powerdns":
        starters.push(() => startPowerDns({ port, printed, secret, upstream }).then((r) => member(r)));
        break;
      case "knot-resolver":
        starters.push(() =>
          startKnotResolver({ port, printed, upstream, rpzFile: (dir) => join(dir, `${zone}.zone`) }).then(
            (resolver) => {
              member(resolver);
              fetchers.push(startFetcher(printed, join(resolver.dir, `${zone}.zone`)));
            },
          ),
        );
        break;
      default: {
        // A secondary on `port`, and an Unbound behind it configured as `operators config --for unbound
        // --primary 127.0.0.1:<port>` prints it.
        const behindPort = await freePort();
        const secondary = { port, printed, secret, downstreamPort: behindPort, zone };
        const behind = resolverConfig("unbound", added.operator, {
          zone,
          host: "127.0.0.1",
          port,
          httpBase: base,
          source: "--primary",
        });
        starters.push(() =>
          (plan.kind === "nsd" ? startNsd(secondary) : startKnotDns(secondary)).then(async (server) => {
            secondaries.push(server);
            member(await startUnbound({ port: behindPort, rpz: behind, upstream }), `${printed}\n${behind}`);
          }),
        );
      }
    }
  }
  const close = async () => {
    await Promise.all([...fetchers, ...members.map((m) => m.resolver), ...secondaries].map((d) => d.stop()));
    await service.close();
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  // The primary caches its access rules (keys, addresses) for a second: an operator's key is usable after that.
  await sleep(1100);
  const results = await Promise.allSettled(starters.map((start) => start()));
  const failed = results.find((result) => result.status === "rejected");
  if (failed) {
    await close();
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    service,
    upstream,
    members,
    secondaries,
    fetchers,
    async order(targets, overrides = {}) {
      const at = Date.now();
      const validity = {
        from: new Date(at - day).toISOString(),
        until: new Date(at + 30 * day).toISOString(),
      };
      const input = sampleOrder({ targets, validity, ...overrides });
      const { targets: added } = await recordOrder(service.store, input, { actor, now: new Date() });
      return (added?.added ?? []).map((target) => String(target.id));
    },
    decide: (decision, refs) =>
      decideTargets(service.store, { decision, refs, reason: "test", actor, now: new Date() }),
    close,
  };
}

/** The fetch command the Knot Resolver configuration prints, run as printed but for its output path. */
export function fetchArguments(printed: string, out: string): string[] {
  const lines = printed.split("\n").map((line) => line.replace(/^-- ?/, "").trim());
  const start = lines.findIndex((line) => line.startsWith("decree-rpz-fetch.sh "));
  if (start < 0) throw new Error(`no fetch command in:\n${printed}`);
  const command: string[] = [];
  for (const line of lines.slice(start)) {
    command.push(line.replace(/\\$/, "").trim());
    if (!line.endsWith("\\")) break;
  }
  const words = command.join(" ").split(/\s+/).slice(1);
  const outAt = words.indexOf("--out");
  words[outAt + 1] = out;
  return words;
}

export const fetchScript = resolve(import.meta.dirname, "../../scripts/decree-rpz-fetch.sh");

function startFetcher(printed: string, out: string): Daemon {
  return startDaemon("decree-rpz-fetch", "sh", [fetchScript, ...fetchArguments(printed, out)], tmpdir());
}

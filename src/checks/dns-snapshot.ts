import type { MessageParams } from "../locale/format-message.ts";
import type { TargetState } from "../vocabulary/vocabulary.ts";
import { toInterval } from "./address-ranges.ts";
import { type CdnSuffixes, shippedCdnSuffixes } from "./cdn-suffixes.ts";
import type { Check, CheckedTarget } from "./check.ts";
import type { CheckRun } from "./check-run.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
import {
  type NameSnapshot,
  resolveSnapshots,
  type SnapshotOptions,
  type SnapshotResolver,
} from "./resolve-snapshot.ts";
import { type NameOnAddress, namesOnAddresses, siteOf } from "./snapshot-addresses.ts";
import { targetAddress, targetHost } from "./target-host.ts";

const name = "dns-snapshot";

/** Target states whose names still speak for the order: a rejected or lifted name points nowhere it matters. */
const livingStates: TargetState[] = ["proposed", "approved", "active", "suspended"];

export interface DnsSnapshotSettings extends Omit<SnapshotOptions, "resolver"> {
  /** Config `checkResolver` (env DECREE_CHECK_RESOLVER); unset: the check is skipped, with an info finding. */
  resolver: SnapshotResolver | undefined;
  /** Another list of CDN suffixes (tests); the shipped one by default. */
  cdnSuffixes?: CdnSuffixes;
  /**
   * How many other sites (registrable domains, of other orders) on one address make it a shared host; 5 by
   * default. Names of the order itself never count: a pirate site's own mirrors often share its server.
   */
  sharedAddressSites?: number;
}

const defaultSharedAddressSites = 5;

/**
 * The DNS snapshot: every name of the batch is resolved once, at submission, through the configured
 * resolver, and its answer kept as evidence (info). An alias into a CDN or a shared host, or an address inside
 * a published shared range, is `review`: the name may be exactly right to block, but it lives where many
 * others do. An address target that no name of the order resolves to is `review`: nothing ties the address to
 * the site the order is about (Piracy Shield's 188.114.97.7 and 104.166.170.62). The names are resolved in
 * `prepare`, all at once with bounded concurrency, so that per target the check is a map lookup.
 */
export function dnsSnapshot(settings: DnsSnapshotSettings): (run: CheckRun) => Promise<Check> {
  return async (run) => {
    const { resolver } = settings;
    if (resolver === undefined) {
      // The same finding for every target of the batch: one object, so its message and its stored evidence
      // are made once a batch rather than once a name (findings are never changed once made).
      const same = [skipped()];
      return { name, run: () => same };
    }
    const hosts = run.targets.map(targetHost).filter((host): host is string => host !== null);
    const addressTargets = run.targets.some((target) => targetAddress(target) !== null);
    // Names of the order already stored count too: the address may be what an earlier target resolved to.
    const orderNames = addressTargets ? await storedNamesOfOrder(run) : [];
    const snapshots = await resolveSnapshots([...hosts, ...orderNames], { ...settings, resolver });
    const at = run.context.now.toISOString();
    const server = `${resolver.host}:${resolver.port}`;
    const cdn = settings.cdnSuffixes ?? shippedCdnSuffixes();
    const pointing = addressTargets ? addressIndex(snapshots) : [];
    const neighbours = await namesOnAddresses(
      run.context.db,
      [...addressesOf(snapshots), ...run.targets.map(targetAddress).filter(isSingleAddress)],
      run.context.order.id,
    );
    const shared = { neighbours, threshold: settings.sharedAddressSites ?? defaultSharedAddressSites };
    return {
      name,
      run: (target) => {
        const host = targetHost(target);
        if (host !== null) {
          const snapshot = snapshots.get(host);
          if (!snapshot) return [];
          return [
            ...nameFindings(snapshot, { at, server }, cdn, run),
            ...sharedAddressFindings(snapshot.name, [...snapshot.a, ...snapshot.aaaa], shared),
          ];
        }
        const address = targetAddress(target);
        if (address === null) return [];
        return [
          ...addressFindings(target, address, pointing, { at, server }),
          ...sharedAddressFindings(null, [address], shared),
        ];
      },
    };
  };
}

/**
 * The check as index.ts lists it: the resolver comes from the run's settings (config `checkResolver`, carried by
 * `checkSettings()` into CheckSettings). Read through a widened type so that the check does not depend on
 * which other settings the list's data needs.
 */
export function prepareDnsSnapshot(run: CheckRun): Promise<Check> {
  const settings = run.settings as { checkResolver?: SnapshotResolver | undefined } | undefined;
  return dnsSnapshot({ resolver: settings?.checkResolver })(run);
}

function skipped(): Finding {
  return {
    check: name,
    severity: "info",
    code: "DNS_SNAPSHOT_SKIPPED",
    message: findingMessage("DNS_SNAPSHOT_SKIPPED", {}),
    params: {},
    evidence: { configured: false },
  };
}

interface Taken {
  at: string;
  server: string;
}

function nameFindings(snapshot: NameSnapshot, taken: Taken, cdn: CdnSuffixes, run: CheckRun): Finding[] {
  const evidence = { ...taken, ...snapshot };
  const findings: Finding[] = [];
  if (snapshot.status === "error") {
    findings.push({
      check: name,
      severity: "info",
      code: "DNS_SNAPSHOT_FAILED",
      ...messageOf("DNS_SNAPSHOT_FAILED", {
        name: snapshot.name,
        server: taken.server,
        error: String(snapshot.error),
      }),
      evidence,
    });
    return findings;
  }
  findings.push({
    check: name,
    severity: "info",
    code: "DNS_SNAPSHOT",
    ...messageOf("DNS_SNAPSHOT", describe(snapshot)),
    evidence,
  });
  const into = snapshot.cnames
    .map((alias) => ({ alias, listed: cdn.find(alias) }))
    .find((hop) => hop.listed !== undefined);
  if (into?.listed) {
    findings.push({
      check: name,
      severity: "review",
      code: "TARGET_CNAME_INTO_CDN",
      ...messageOf("TARGET_CNAME_INTO_CDN", {
        name: snapshot.name,
        alias: into.alias,
        provider: into.listed.provider,
        kind: into.listed.kind,
      }),
      evidence: { ...evidence, alias: into.alias, ...into.listed, list: "data/cdn-cname-suffixes.json" },
    });
  }
  const shared = [...snapshot.a, ...snapshot.aaaa].flatMap((address) =>
    run.data.sharedInfrastructure.match(address).map((match) => ({
      address,
      range: match.range,
      provider: match.entry.provider,
      source: match.entry.source,
      date: match.entry.date,
    })),
  );
  if (shared.length > 0) {
    const providers = [...new Set(shared.map((s) => s.provider))].join(", ");
    findings.push({
      check: name,
      severity: "review",
      code: "TARGET_ADDRESS_SHARED",
      ...messageOf("TARGET_ADDRESS_SHARED", {
        name: snapshot.name,
        addresses: shared.map((s) => s.address).join(", "),
        providers,
      }),
      evidence: { ...evidence, shared },
    });
  }
  return findings;
}

function describe(snapshot: NameSnapshot): MessageParams {
  if (snapshot.status === "nxdomain") return { variant: "nxdomain", name: snapshot.name };
  const addresses = [...snapshot.a, ...snapshot.aaaa];
  return {
    variant: "resolved",
    name: snapshot.name,
    chained: snapshot.cnames.length > 0 ? "yes" : "no",
    chain: snapshot.cnames.join(" -> "),
    addressed: addresses.length > 0 ? "yes" : "no",
    addresses: addresses.join(", "),
  };
}

function messageOf(code: Finding["code"], params: MessageParams) {
  return { message: findingMessage(code, params), params };
}

interface SharedAddresses {
  neighbours: Map<string, NameOnAddress[]>;
  threshold: number;
}

/**
 * An address many unrelated sites resolved to, as the registry's own snapshots saw them: a shared host, whose
 * address must never be blocked and whose names deserve a second look. Sites, not names: one site's hundred
 * subdomains on one address are one neighbour.
 */
function sharedAddressFindings(name: string | null, addresses: string[], shared: SharedAddresses): Finding[] {
  const own = name === null ? null : siteOf(name);
  const crowded = addresses
    .map((address) => {
      const others = (shared.neighbours.get(address) ?? []).filter((other) => other.site !== own);
      return { address, others, sites: new Set(others.map((other) => other.site)) };
    })
    .filter((entry) => entry.sites.size >= shared.threshold);
  if (crowded.length === 0) return [];
  const subject = name ?? addresses.join(", ");
  const sample = [...new Set(crowded.flatMap((entry) => [...entry.sites]))];
  return [
    {
      check: "dns-snapshot",
      severity: "review",
      code: "TARGET_ADDRESS_SHARED_BY_NAMES",
      ...messageOf("TARGET_ADDRESS_SHARED_BY_NAMES", {
        addresses: crowded.map((entry) => entry.address).join(", "),
        count: crowded.length,
        sites: Math.max(...crowded.map((entry) => entry.sites.size)),
        sample: sample.slice(0, 5).join(", "),
        more: sample.length > 5 ? "yes" : "no",
        subject,
      }),
      evidence: {
        threshold: shared.threshold,
        addresses: crowded.map((entry) => ({
          address: entry.address,
          sites: entry.sites.size,
          names: entry.others.slice(0, 50).map((other) => ({ name: other.name, orderId: other.orderId })),
        })),
      },
    },
  ];
}

function addressesOf(snapshots: Map<string, NameSnapshot>): string[] {
  return [...snapshots.values()].flatMap((snapshot) => [...snapshot.a, ...snapshot.aaaa]);
}

/** An exact address (not a prefix), as snapshots record them. */
function isSingleAddress(value: string | null): value is string {
  return value !== null && !value.includes("/");
}

interface PointingName {
  name: string;
  address: string;
  v6: boolean;
  value: bigint;
}

function addressIndex(snapshots: Map<string, NameSnapshot>): PointingName[] {
  const index: PointingName[] = [];
  for (const snapshot of snapshots.values()) {
    for (const address of [...snapshot.a, ...snapshot.aaaa]) {
      const interval = toInterval(address);
      index.push({ name: snapshot.name, address, v6: interval.v6, value: interval.first });
    }
  }
  return index;
}

function addressFindings(
  target: CheckedTarget,
  address: string,
  pointing: PointingName[],
  taken: Taken,
): Finding[] {
  const range = toInterval(address);
  const names = pointing.filter((p) => p.v6 === range.v6 && p.value >= range.first && p.value <= range.last);
  const evidence = {
    ...taken,
    target: target.value,
    names: names.map((p) => ({ name: p.name, address: p.address })),
  };
  if (names.length > 0) {
    return [
      {
        check: name,
        severity: "info",
        code: "DNS_SNAPSHOT",
        ...messageOf("DNS_SNAPSHOT", {
          variant: "address",
          address,
          names: [...new Set(names.map((p) => p.name))].join(", "),
        }),
        evidence,
      },
    ];
  }
  return [
    {
      check: name,
      severity: "review",
      code: "TARGET_IP_WITHOUT_NAME",
      ...messageOf("TARGET_IP_WITHOUT_NAME", { address, server: taken.server }),
      evidence,
    },
  ];
}

async function storedNamesOfOrder(run: CheckRun): Promise<string[]> {
  const rows = await run.context.db
    .selectFrom("targets")
    .select(["kind", "value", "origin", "valid_until"])
    .where("order_id", "=", run.context.order.id)
    .where("kind", "in", ["fqdn", "domain", "url"])
    .where("state", "in", livingStates)
    .execute();
  return rows
    .map((row) =>
      targetHost({
        kind: row.kind as CheckedTarget["kind"],
        value: row.value,
        origin: "order",
        validUntil: row.valid_until,
      }),
    )
    .filter((host): host is string => host !== null);
}

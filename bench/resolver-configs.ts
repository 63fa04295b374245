/**
 * How long each resolver, configured only from what `decree operators config` prints, takes to block a name
 * after its approval and to resolve it again after its lift: Unbound, BIND, PowerDNS Recursor, Knot Resolver
 * (file fetched by the shipped script), and an Unbound behind NSD and behind Knot DNS as TSIG secondaries. All
 * run side by side against one decree service and a loopback upstream (test/support/resolver-fleet.ts).
 *
 * Each sample: a name every resolver has just resolved (its answer cached, TTL 300), approved, then lifted;
 * each resolver is asked every 10 ms until it answers the new way. Samples start at random gaps.
 *
 * Usage: node --import tsx bench/resolver-configs.ts [--samples 5]
 */
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { type DnsAnswer, queryDns } from "../test/support/dns-client.ts";
import { type FleetMember, startFleet } from "../test/support/resolver-fleet.ts";
import { upstreamAddress } from "../test/support/upstream.ts";

const { values } = parseArgs({ options: { samples: { type: "string", default: "5" } } });
const samples = Number(values.samples);
const domains = Array.from({ length: samples + 1 }, (_, i) => `bench-site-${i}.com`);

const fleet = await startFleet({ domains, ttl: 300 });
const members = fleet.members.filter((member) => member.action === null);

async function answeredAt(member: FleetMember, name: string, expected: (a: DnsAnswer) => boolean) {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const answer = await queryDns(member.resolver, name, "A", 1000).catch(() => undefined);
    if (answer && expected(answer)) return performance.now();
    await sleep(10);
  }
  throw new Error(`${member.label} never answered as expected for ${name}`);
}

const resolves = (name: string) => (a: DnsAnswer) =>
  a.rcode === "NOERROR" && a.addresses.join() === upstreamAddress(name);
const nxdomain = (a: DnsAnswer) => a.rcode === "NXDOMAIN";

/** Milliseconds from `change()` being called to each member's new answer. */
async function timeChange(change: () => Promise<unknown>, name: string, expected: (a: DnsAnswer) => boolean) {
  const start = performance.now();
  await change();
  return Promise.all(members.map(async (member) => (await answeredAt(member, name, expected)) - start));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

try {
  // Every member holds the zone before the first sample.
  const warm = await fleet.order([{ value: domains[samples]!, kind: "domain" }]);
  await fleet.decide("approve", warm);
  await Promise.all(members.map((member) => answeredAt(member, domains[samples]!, nxdomain)));

  const blocked: number[][] = members.map(() => []);
  const lifted: number[][] = members.map(() => []);
  for (let sample = 0; sample < samples; sample++) {
    await sleep(randomInt(200, 1500));
    const name = domains[sample]!;
    const ids = await fleet.order([{ value: name, kind: "domain" }]);
    await Promise.all(members.map((member) => answeredAt(member, name, resolves(name))));
    const toBlock = await timeChange(() => fleet.decide("approve", ids), name, nxdomain);
    await sleep(randomInt(200, 1500));
    const toLift = await timeChange(() => fleet.decide("lift", ids), name, resolves(name));
    for (const [index] of members.entries()) {
      blocked[index]!.push(toBlock[index]!);
      lifted[index]!.push(toLift[index]!);
    }
  }
  // Some print their version on stderr, some exit non-zero after printing it.
  const version = (command: string, args: string[]) => {
    const { stdout, stderr } = spawnSync(command, args, { encoding: "utf8" });
    return `${stdout}${stderr}`.split("\n").find((line) => /\d+\.\d+/.test(line)) ?? "unknown";
  };
  console.log(
    JSON.stringify({
      bench: "resolver-configs",
      samples,
      includes:
        "ms from the approve (or lift) call on the registry to the first answer of the new kind at the resolver, " +
        "asked every 10 ms: the release, decree's NOTIFY and the transfer (or the poll, or the feed fetch and " +
        "the file watchdog), and the resolver's caches; the name was resolved (TTL 300) just before",
      resolvers: members.map((member, index) => ({
        resolver: member.label,
        config: member.kind,
        approvalToBlockedMs: Math.round(median(blocked[index]!)),
        liftToResolvingMs: Math.round(median(lifted[index]!)),
        ede: member.ede,
        samplesBlockedMs: blocked[index]!.map(Math.round),
        samplesLiftedMs: lifted[index]!.map(Math.round),
      })),
      versions: {
        unbound: version("unbound", ["-V"]),
        named: version("named", ["-v"]),
        pdns_recursor: version("pdns_recursor", ["--version"]).replace(/^.*?PowerDNS/, "PowerDNS"),
        kresd: version("kresd", ["--version"]),
        nsd: version("nsd", ["-v"]),
        knotd: version("knotd", ["--version"]),
      },
      loadavg: loadavg().map((load) => Number(load.toFixed(2))),
    }),
  );
} finally {
  await fleet.close();
}

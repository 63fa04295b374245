/**
 * How soon decree's probes see, through each resolver, that it applied a release (the canary's TXT), next to
 * how soon an operator's automated acknowledgment would say so. Unbound, BIND, PowerDNS Recursor and Knot
 * Resolver run from their printed configurations against one decree service on loopback
 * (test/support/resolver-fleet.ts).
 *
 * Each sample, after a random gap: one name approved, so one release. Then, side by side:
 * - canary: `followReleases` runs every 50 ms, as the scheduler's tick would, and asks each due resolver the
 *   canary; the figure is `time_to_apply_ms` as stored (release created → first answer showing it), per resolver;
 * - ack: an operator's script polls BIND's own SOA for the zone every 10 ms and acknowledges the release when its
 *   secondary holds the serial; the figure is the acknowledgment's `timeToAckMs` as stored (release created →
 *   ack). It says what the secondary holds, not what the resolver answers.
 *
 * Usage: flock /tmp/bench.lock node --import tsx bench/canary-lag.ts [--samples 10]
 */
import { randomInt } from "node:crypto";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import dnsPacket from "dns-packet";
import { acknowledgeRelease } from "../src/verify/acknowledge-release.ts";
import { DnsProber } from "../src/verify/probes/dns-prober.ts";
import { followReleases } from "../src/verify/probes/follow-releases.ts";
import { addResolver } from "../src/verify/probes/resolvers.ts";
import { startFleet } from "../test/support/resolver-fleet.ts";

const { values } = parseArgs({ options: { samples: { type: "string", default: "10" } } });
const samples = Number(values.samples);
const domains = Array.from({ length: samples }, (_, i) => `canary-bench-${i}.com`);
const kinds = ["unbound", "bind", "powerdns", "knot-resolver"];

const load = () => loadavg().map((value) => Number(value.toFixed(2)));
const loadBefore = load();
const fleet = await startFleet({ domains });
const db = fleet.service.store.db;
const members = fleet.members.filter((member) => kinds.includes(member.kind));
const operatorOf = (member: (typeof members)[number]) => `${member.kind}-${fleet.members.indexOf(member)}`;
const prober = new DnsProber({ timeoutMs: 1000, retries: 1 });
const probes = { stopPage: ["192.0.2.80"], prober };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
};

/** The SOA serial BIND's own copy of the zone holds (it is authoritative for it as a secondary). */
async function bindSoa(port: number): Promise<number | undefined> {
  const { createSocket } = await import("node:dgram");
  const socket = createSocket("udp4");
  try {
    const query = dnsPacket.encode({
      id: randomInt(65536),
      questions: [{ type: "SOA", name: "rpz.decree" }],
    });
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout")), 500);
      socket.once("message", (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      socket.send(query, port, "127.0.0.1");
    });
    const soa = dnsPacket.decode(answer).answers?.find((record) => record.type === "SOA");
    return soa ? (soa.data as { serial: number }).serial : undefined;
  } catch {
    return undefined;
  } finally {
    socket.close();
  }
}

try {
  for (const member of members) {
    await addResolver(
      db,
      { operator: operatorOf(member), address: `127.0.0.1:${member.resolver.port}` },
      { actor: "bench", now: new Date() },
    );
  }
  const bind = members.find((member) => member.kind === "bind")!;
  const organisation = await db
    .selectFrom("organisations")
    .select("id")
    .where("name", "=", operatorOf(bind))
    .executeTakeFirstOrThrow();
  await followReleases(fleet.service.store, { ...probes, now: new Date() });
  let ticking = true;
  const ticker = (async () => {
    while (ticking) {
      await followReleases(fleet.service.store, { ...probes, now: new Date(), minIntervalMs: 0 });
      await sleep(50);
    }
  })();
  const canary: Record<string, number[]> = Object.fromEntries(members.map((m) => [m.kind, []]));
  const acks: number[] = [];
  for (const domain of domains) {
    await sleep(randomInt(200, 1200));
    const latest = await db
      .selectFrom("releases")
      .select("id")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const refs = await fleet.order([{ value: domain, kind: "domain" }]);
    await fleet.decide("approve", refs);
    let release: { id: number; serial: number; soa_serial: number } | undefined;
    while (!release) {
      release = await db
        .selectFrom("releases")
        .select(["id", "serial", "soa_serial"])
        .where("id", ">", Number(latest?.id ?? 0))
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      if (!release) await sleep(5);
    }
    const acked = (async () => {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if ((await bindSoa(bind.resolver.port)) === Number(release.soa_serial)) {
          const { acknowledgment } = await acknowledgeRelease(fleet.service.store, Number(release.serial), {
            organisationId: Number(organisation.id),
            actor: "bench",
            now: new Date(),
          });
          return acknowledgment.timeToAckMs;
        }
        await sleep(10);
      }
      throw new Error(`BIND never held serial ${release.soa_serial}`);
    })();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await db
        .selectFrom("canary_applications")
        .innerJoin("resolvers", "resolvers.id", "canary_applications.resolver_id")
        .select(["resolvers.port", "canary_applications.time_to_apply_ms"])
        .where("canary_applications.release_id", "=", Number(release.id))
        .execute();
      if (rows.length === members.length) {
        for (const row of rows) {
          const member = members.find((m) => m.resolver.port === Number(row.port))!;
          canary[member.kind]!.push(Number(row.time_to_apply_ms));
        }
        break;
      }
      if (Date.now() > deadline)
        throw new Error(`release ${release.id}: canary seen at ${rows.length} resolvers`);
      await sleep(20);
    }
    acks.push(await acked);
  }
  ticking = false;
  await ticker;
  console.log(
    JSON.stringify({
      bench: "canary-lag",
      samples,
      canaryTimeToApplyMs: Object.fromEntries(
        Object.entries(canary).map(([kind, values]) => [
          kind,
          { p50: percentile(values, 0.5), p95: percentile(values, 0.95), max: Math.max(...values) },
        ]),
      ),
      ackBindSoaMs: { p50: percentile(acks, 0.5), p95: percentile(acks, 0.95), max: Math.max(...acks) },
      includes:
        "canary: release row created → first canary TXT answer showing it, probed by followReleases every 50 ms " +
        "(PowerDNS polls the zone every 2 s, Knot Resolver's file is fetched every 5 s); ack: release row " +
        "created → acknowledgment by a script polling BIND's SOA every 10 ms",
      load: { before: loadBefore, after: load() },
    }),
  );
} finally {
  prober.close();
  await fleet.close();
}

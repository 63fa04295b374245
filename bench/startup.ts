/**
 * Start-up of `decree serve` on an existing registry, side by side with BIND 9 loading the same zone: from the
 * process being spawned until the DNS port answers the zone's SOA (what a secondary or an operator waits for
 * after a restart). Between decree's runs a few targets are approved, as a day brings, so each start-up has
 * those to publish (a release, its journal, the log sequenced and a checkpoint signed) and nothing older.
 * The first start after the registry was built (which sequences every event of its history into the log, in
 * batches while the primary answers) is reported apart, not in the median: until its SOA answer, and until its
 * log holds the whole history.
 *
 *   flock /tmp/bench.lock node --import tsx bench/startup.ts [--entries 1000000] [--rounds 5] [--changes 50]
 *     [--registry DIR]
 *
 * With --registry, the registry is built in DIR and kept, or reused if a bench built it there before; the
 * first start is then the first after the build only if no bench has served it yet.
 *
 * Prints one JSON line.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import dnsPacket from "dns-packet";
import { loadConfig } from "../src/config/load-config.ts";
import { rpzPolicyOf } from "../src/main.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { openStore } from "../src/store/open-store.ts";
import { startBindPrimary } from "../test/support/dns-servers.ts";
import { queryMessage, Rcode, rcodeOf, udpExchange } from "../test/support/dns-wire.ts";
import { freePort } from "../test/support/free-port.ts";
import { type Server, startServer, stopAll, versionOf } from "../test/support/processes.ts";
import { decreeBin } from "../test/support/run-cli.ts";
import { reuseOrBuildRegistry, writeZoneFile } from "./support/registry.ts";
import { ensurePackages } from "./support/system-packages.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    registry: { type: "string" },
    rounds: { type: "string", default: "5" },
    changes: { type: "string", default: "50" },
  },
});
const entries = Number(values.entries);
const rounds = Math.max(1, Number(values.rounds));
const changes = Math.max(1, Number(values.changes));
const startTimeoutMs = 120_000 + entries * 0.2;

const policy = rpzPolicyOf(loadConfig({ config: "/dev/null", data: "unused" }, {}));
const zone = policy.zone;

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

const round3 = (n: number) => Number(n.toFixed(3));

/** The SOA serial the server answers now, or undefined while it does not answer (yet). */
async function soaSerial(port: number): Promise<number | undefined> {
  const reply = await udpExchange(port, queryMessage(zone, "SOA"), 100);
  if (!reply || rcodeOf(reply) !== Rcode.noError) return undefined;
  const soa = dnsPacket.decode(reply).answers?.find((a) => a.type === "SOA");
  return soa && soa.type === "SOA" ? soa.data.serial : undefined;
}

interface Started {
  server: Server;
  /** From the spawn until the first SOA answer. */
  seconds: number;
  /** From the spawn until the SOA serial is past `past` (decree: the release built at start is served). */
  currentSeconds: number;
  serial: number;
}

/** Spawns a server and times it until its port answers the zone's SOA (past `past` if given); every 5 ms. */
async function timeToSoa(start: () => Server, port: number, past?: number): Promise<Started> {
  const started = performance.now();
  const server = start();
  let first: number | undefined;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited:\n${server.tail()}`);
    if (performance.now() - started > startTimeoutMs) {
      throw new Error(`${server.name} never answered:\n${server.tail()}`);
    }
    const serial = await soaSerial(port);
    const now = (performance.now() - started) / 1000;
    if (serial !== undefined) first ??= now;
    if (serial !== undefined && (past === undefined || serial > past)) {
      return { server, seconds: first!, currentSeconds: now, serial };
    }
    await sleep(5);
  }
}

function startDecree(dataDir: string, port: number, log: string): Server {
  const args = [decreeBin, "serve", "--data", dataDir, "--dns", `127.0.0.1:${port}`];
  for (const flag of ["--http", "--stop"]) args.push(flag, "127.0.0.1:0");
  return startServer("decree serve", process.execPath, args, log);
}

/** Waits until every event in the store is in the log (read beside the running service, as WAL allows). */
async function logCaughtUp(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  try {
    for (;;) {
      const last = await store.db
        .selectFrom("events")
        .select((eb) => eb.fn.max("id").as("id"))
        .executeTakeFirst();
      const logged = await store.db
        .selectFrom("log_state")
        .select("last_event_id")
        .where("id", "=", 1)
        .executeTakeFirst();
      if (logged && Number(logged.last_event_id) >= Number(last?.id ?? 0)) return;
      await sleep(250);
    }
  } finally {
    await store.close();
  }
}

/** Approves the next `count` pending targets while decree is down, as an authority's CLI session would. */
async function approveSome(dataDir: string, ids: number[]): Promise<void> {
  const store = await openStore({ dataDir });
  try {
    await decideTargets(store, {
      decision: "approve",
      refs: ids.map(String),
      reason: "bench: a day's approvals",
      actor: "bench",
      now: new Date(),
    });
  } finally {
    await store.close();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-startup-"));
  try {
    const load = readFileSync("/proc/loadavg", "utf8").trim();
    const dataDir = values.registry ?? join(dir, "decree");
    const registry = await reuseOrBuildRegistry({ dataDir, entries, pending: changes * rounds, policy });
    const zoneFile = join(dir, "rpz.zone");
    const zoneRecords = await writeZoneFile(dataDir, policy, registry.serial, zoneFile);
    const log = join(dir, "decree.log");

    // The first start after the build: it sequences the whole history into the log, once.
    let port = await freePort();
    const firstStarted = performance.now();
    const first = await timeToSoa(() => startDecree(dataDir, port, log), port);
    // The log takes the history in batches while the primary answers; the next runs start once it has.
    await logCaughtUp(dataDir);
    const firstLoggedSeconds = (performance.now() - firstStarted) / 1000;
    await first.server.stop();

    const decree: number[] = [];
    const current: number[] = [];
    const serials: number[] = [first.serial];
    for (let round = 0; round < rounds; round++) {
      await approveSome(
        dataDir,
        registry.pending.slice(round * changes, (round + 1) * changes).map((target) => target.id),
      );
      await sleep(Math.floor(Math.random() * 500));
      port = await freePort();
      // Done when the SOA is the release of the approvals made meanwhile, built at start.
      const run = await timeToSoa(() => startDecree(dataDir, port, log), port, serials.at(-1));
      await run.server.stop();
      decree.push(run.seconds);
      current.push(run.currentSeconds);
      serials.push(run.serial);
    }

    const missing = ensurePackages(["bind9"]);
    const bind: number[] = [];
    let bindVersion: string | undefined;
    if (!missing.get("bind9")) {
      bindVersion = versionOf("/usr/sbin/named", ["-v"]);
      for (let round = 0; round < rounds; round++) {
        await sleep(Math.floor(Math.random() * 500));
        const bindPort = await freePort();
        const run = await timeToSoa(
          () => startBindPrimary("bind", { dir: join(dir, `bind-${round}`), port: bindPort, zone, zoneFile }),
          bindPort,
        );
        await run.server.stop();
        bind.push(run.seconds);
      }
    }
    const decreeMedian = median(decree);
    const bindMedian = bind.length > 0 ? median(bind) : undefined;
    console.log(
      JSON.stringify({
        bench: "startup",
        includes:
          "spawn of `decree serve --data` (node, config, store open and migrations, finishing checkpoints, the " +
          "release of the approvals made while it was down with its journal, log sequencing and signed " +
          "checkpoint, DNS primary listening) until the DNS port answers the zone's SOA over UDP, polled every " +
          "5 ms (ToNewRelease: until that SOA is the release built at start); BIND: spawn of named -g until it answers the same SOA, the zone loaded from its master file",
        entries: registry.entries,
        zoneRecords,
        changesPerRun: changes,
        decree: {
          medianSeconds: round3(decreeMedian),
          samples: decree.map(round3),
          medianSecondsToNewRelease: round3(median(current)),
          samplesToNewRelease: current.map(round3),
          firstStartSeconds: round3(first.seconds),
          firstStartHistoryLoggedSeconds: round3(firstLoggedSeconds),
          serialsOnlyRose: serials.every((s, i) => i === 0 || s > serials[i - 1]!),
        },
        bind:
          bindMedian === undefined
            ? { skipped: missing.get("bind9") }
            : {
                version: bindVersion,
                medianSeconds: round3(bindMedian),
                samples: bind.map(round3),
              },
        ratioToBind: bindMedian === undefined ? null : round3(decreeMedian / bindMedian),
        setupSeconds: registry.seconds,
        registryReused: registry.reused,
        loadavg: { before: load, after: readFileSync("/proc/loadavg", "utf8").trim() },
      }),
    );
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * bench/serve-latency: how long decree's DNS primary takes to answer SOA and A questions over UDP while its
 * service builds a release every `--release-ms` (default 50), side by side in the same run with the same
 * questions while no release is built; and the peak RSS of decree serving the `--entries`-entry zone (default
 * 1,000,000, ~1.5 M records) beside BIND 9 serving the same zone from a master file.
 *
 * decree runs its whole service in a child process (bench/support/decree-child.ts): each release is the path
 * of `decree targets approve` there (decideTargets, then a poke), built by the service's release scheduler
 * while the primary answers from its own thread. This process asks from one UDP socket at random gaps of
 * 0–2 ms, SOA of the apex and A of a name in the zone in turn; a latency is from the question handed to the
 * socket to its answer read (hrtime), so it includes this process's event loop. Phases alternate quiet,
 * releasing, quiet, releasing (`--phase-seconds` each) so that noise from other work falls on both. A question
 * unanswered after a second counts as lost. Prints one JSON line.
 * Usage: node --import tsx bench/serve-latency.ts [--entries 1000000] [--phase-seconds 10] [--release-ms 50]
 *   [--rounds 2] [--no-bind] [--registry DIR] [--cpu-prof-dir DIR]
 * With --registry, the registry is built in DIR and kept, or reused if a bench built it there before (its
 * setup is the longest part of a run at 10 M entries).
 * Before its phases it waits until the service's deadline job has read the history of the bulk approval that
 * built the registry (`catchUpSeconds`): once per registry, minutes at 10 M, while the service answers and
 * builds releases all along; `--no-settle` measures during that catch-up instead.
 */
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import dnsPacket from "dns-packet";
import { loadConfig } from "../src/config/load-config.ts";
import { rpzPolicyOf } from "../src/main.ts";
import { startBindPrimary, waitForSoa } from "../test/support/dns-servers.ts";
import { freePort } from "../test/support/free-port.ts";
import { resetPeakRss, rssMb, stopAll, versionOf } from "../test/support/processes.ts";
import { DecreeProcess } from "./support/decree-process.ts";
import { reuseOrBuildRegistry, writeZoneFile } from "./support/registry.ts";
import { ensurePackages } from "./support/system-packages.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    registry: { type: "string" },
    "phase-seconds": { type: "string", default: "10" },
    "release-ms": { type: "string", default: "50" },
    rounds: { type: "string", default: "2" },
    "no-bind": { type: "boolean", default: false },
    "cpu-prof-dir": { type: "string" },
    "no-settle": { type: "boolean", default: false },
  },
});
const entries = Number(values.entries);
const phaseMs = Number(values["phase-seconds"]) * 1000;
const releaseMs = Number(values["release-ms"]);
const rounds = Math.max(1, Number(values.rounds));
const policy = rpzPolicyOf(loadConfig({ config: "/dev/null", data: "unused" }, {}));
const zone = policy.zone;
const loadTimeoutMs = 60_000 + entries * 0.3;

interface Samples {
  soa: number[];
  a: number[];
  lost: number;
}

/** How long the bench waits for the deadline job's catch-up before it gives up: ten times 10 M's. */
const catchUpTimeoutMs = 3_600_000;

/**
 * Seconds until the deadline job's cursor stands at the newest release, read from the store beside the
 * service (read-only): every activation of the registry's history has then been looked at once.
 */
async function deadlinesCaughtUp(dataDir: string): Promise<number> {
  const started = performance.now();
  const db = new Database(join(dataDir, "decree.db"), { readonly: true, fileMustExist: true });
  try {
    const newest = (db.prepare("select max(id) as id from releases").get() as { id: number | null }).id ?? 0;
    const cursor = db.prepare("select value from job_cursors where name = 'deadlines.release'");
    for (;;) {
      const at = (cursor.get() as { value: number } | undefined)?.value ?? 0;
      if (at >= newest) break;
      // A service that stopped reading its history would otherwise keep the bench waiting for ever.
      if (performance.now() - started > catchUpTimeoutMs) {
        throw new Error(
          `the deadline job stood at release ${at} of ${newest} after ${catchUpTimeoutMs / 1000} s`,
        );
      }
      await sleep(500);
    }
  } finally {
    db.close();
  }
  return Number(((performance.now() - started) / 1000).toFixed(1));
}

/** Asks `port` SOA and A in turn at random gaps of 0–2 ms for `ms`; the latencies in ms by kind. */
async function ask(port: number, name: string, ms: number, into: Samples): Promise<void> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const waiting = new Map<number, { at: bigint; kind: "soa" | "a" }>();
  socket.on("message", (message) => {
    const id = message.readUInt16BE(0);
    const asked = waiting.get(id);
    if (!asked) return;
    waiting.delete(id);
    into[asked.kind].push(Number(process.hrtime.bigint() - asked.at) / 1e6);
  });
  const questions = {
    soa: dnsPacket.encode({ type: "query", id: 0, questions: [{ name: zone, type: "SOA", class: "IN" }] }),
    a: dnsPacket.encode({ type: "query", id: 0, questions: [{ name, type: "A", class: "IN" }] }),
  };
  const end = performance.now() + ms;
  let id = 0;
  while (performance.now() < end) {
    const kind = id % 2 === 0 ? "soa" : "a";
    id = (id + 1) & 0xffff;
    const message = Buffer.from(questions[kind]);
    message.writeUInt16BE(id, 0);
    // A question still unanswered when its ID comes round again (65,536 questions later) is lost.
    if (waiting.has(id)) into.lost++;
    waiting.set(id, { at: process.hrtime.bigint(), kind });
    socket.send(message, port, "127.0.0.1");
    await sleep(Math.random() * 2);
  }
  await sleep(1000);
  into.lost += waiting.size;
  socket.close();
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3));
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Number(sorted.at(-1)!.toFixed(3)) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-serve-latency-"));
  let decree: DecreeProcess | undefined;
  try {
    const load = { before: loadavg().map((n) => Number(n.toFixed(2))) };
    const dataDir = values.registry ?? join(dir, "decree");
    const releasesWanted = Math.ceil((phaseMs * rounds) / releaseMs) + 10;
    const registry = await reuseOrBuildRegistry({ dataDir, entries, pending: releasesWanted, policy });
    const name = `${registry.probeName}.${zone}`;

    let bind: { pid: number; port: number; peakRssMb: number; loadSeconds: number } | undefined;
    const skipped: Record<string, string> = {};
    if (!values["no-bind"]) {
      const problem = ensurePackages(["bind9"]).get("bind9");
      if (problem) skipped.bind = problem;
      else {
        const zoneFile = join(dir, "rpz.zone");
        await writeZoneFile(dataDir, policy, registry.serial, zoneFile);
        const port = await freePort();
        const started = performance.now();
        const server = startBindPrimary("bind", { dir: join(dir, "bind"), port, zone, zoneFile });
        await waitForSoa(server, port, zone, loadTimeoutMs);
        bind = {
          pid: server.child.pid!,
          port,
          peakRssMb: rssMb(server.child.pid!).peakRssMb,
          loadSeconds: Number(((performance.now() - started) / 1000).toFixed(2)),
        };
      }
    }

    const started = performance.now();
    decree = await DecreeProcess.start({
      dataDir,
      log: join(dir, "decree.log"),
      cpuProfileDir: values["cpu-prof-dir"] ? resolve(values["cpu-prof-dir"]) : undefined,
      readyTimeoutMs: loadTimeoutMs,
    });
    const decreeStartSeconds = Number(((performance.now() - started) / 1000).toFixed(2));
    const decreeStartPeakRssMb = rssMb(decree.pid).peakRssMb;
    const catchUpSeconds = values["no-settle"] ? null : await deadlinesCaughtUp(dataDir);
    resetPeakRss(decree.pid);

    const quiet: Samples = { soa: [], a: [], lost: 0 };
    const releasing: Samples = { soa: [], a: [], lost: 0 };
    const bindQuiet: Samples = { soa: [], a: [], lost: 0 };
    let releases = 0;
    const counting = (message: { type: string }) => {
      if (message.type === "release") releases++;
    };
    decree.on("message", counting);
    let pending = 0;
    // A second of questions first, not counted: both servers' code warm, decree's start-up jobs done.
    await ask(decree.port, name, 1000, { soa: [], a: [], lost: 0 });
    if (bind) await ask(bind.port, name, 1000, { soa: [], a: [], lost: 0 });
    for (let round = 0; round < rounds; round++) {
      await ask(decree.port, name, phaseMs, quiet);
      if (bind) await ask(bind.port, name, phaseMs, bindQuiet);
      const approving = setInterval(() => {
        const target = registry.pending[pending++];
        if (target) decree!.send({ type: "approve", seq: pending, targetId: target.id });
      }, releaseMs);
      await ask(decree.port, name, phaseMs, releasing);
      clearInterval(approving);
      await sleep(200);
    }
    decree.off("message", counting);
    const decreePeak = rssMb(decree.pid).peakRssMb;
    const bindPeak = bind ? Math.max(bind.peakRssMb, rssMb(bind.pid).peakRssMb) : null;
    const status = readFileSync(`/proc/${decree.pid}/status`, "utf8");
    const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const figures = { quiet: summary(quiet.soa), releasing: summary(releasing.soa) };
    const aFigures = { quiet: summary(quiet.a), releasing: summary(releasing.a) };
    const result = {
      bench: "serve-latency",
      entries: registry.entries,
      records: registry.records,
      phaseSeconds: phaseMs / 1000,
      rounds,
      registryReused: registry.reused,
      setupSeconds: registry.seconds,
      releaseEveryMs: releaseMs,
      releasesBuilt: releases,
      approvalsSent: pending,
      decree: {
        soa: figures,
        a: aFigures,
        lost: { quiet: quiet.lost, releasing: releasing.lost },
        startSeconds: decreeStartSeconds,
        catchUpSeconds,
        startPeakRssMb: decreeStartPeakRssMb,
        servingPeakRssMb: decreePeak,
        threads,
      },
      bind: bind
        ? {
            soa: summary(bindQuiet.soa),
            a: summary(bindQuiet.a),
            lost: bindQuiet.lost,
            loadSeconds: bind.loadSeconds,
            peakRssMb: bindPeak,
            version: versionOf("/usr/sbin/named", ["-v"]),
          }
        : null,
      ratios: {
        soaP99ReleasingVsQuiet: Number((figures.releasing.p99Ms / figures.quiet.p99Ms).toFixed(2)),
        decreePeakRssVsBind: bindPeak
          ? Number((Math.max(decreePeak, decreeStartPeakRssMb) / bindPeak).toFixed(2))
          : null,
      },
      target: {
        p99Ms: 5,
        maxMs: 20,
        metP99: figures.releasing.p99Ms <= 5 && aFigures.releasing.p99Ms <= 5,
        metMax: figures.releasing.maxMs <= 20 && aFigures.releasing.maxMs <= 20,
        rssAtMostBind: bindPeak ? Math.max(decreePeak, decreeStartPeakRssMb) <= bindPeak : null,
      },
      skipped,
      load: { ...load, after: loadavg().map((n) => Number(n.toFixed(2))) },
      includes:
        "UDP question to answer on loopback, this process's event loop included; decree's releases are built " +
        "in its own process by its scheduler (approval, diff, zone, journal, log), the primary answering from " +
        "its thread; RSS is the process's VmHWM (threads included): startPeakRssMb covers loading the zone, " +
        "servingPeakRssMb the phases after it; the phases start once the deadline job has read the registry's " +
        "history (catchUpSeconds, null with --no-settle)",
      childErrors: decree.errors.slice(0, 3),
      note: "2 cores shared with other work: figures are noisy",
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await decree?.stop();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

/**
 * bench/axfr: a full AXFR of the `--entries`-entry RPZ zone (default 1,000,000 entries, ~1.5 M records) from
 * decree and, in the same run, from BIND 9, NSD and Knot DNS serving the same zone from a master file written
 * from decree's store. One client for all (bench/support/axfr-client.ts: headers only, as fast as it reads).
 *
 * decree runs its whole service in a child process, so the peak RSS is its own. Its primary holds the zone in
 * memory and encodes every transfer as it streams it (no transfer reuses another's encoding): the first
 * transfer of a release, measured after one approval made a new release, is measured apart from later ones
 * of the same release, which cost the same (`cachedEncoding: false`), and `--concurrent` transfers at once show
 * what several secondaries pulling together cost in
 * memory, and as many that stop reading after the first octets what a transfer holds while a slow secondary
 * takes it. Each server's peak RSS is reset (clear_refs) before a transfer and read after it, so it is the
 * transfer's, not the load's. Rounds go server by server in turn so that noise from other work on the machine
 * falls on every server, with a random gap before each transfer.
 *
 * Transfers are TSIG-signed (RFC 8945, hmac-sha256), the same key for decree (an operator's key) and every peer:
 * the client signs the query and verifies every signed message of the answer, the MAC chain across them and
 * that no more than 99 in a row go unsigned (§5.3.1); the top-level figures are those. With `--modes
 * signed,unsigned` (the default) the same transfers are also measured unsigned, authorised by address, under
 * `unsigned`, each decree figure from a release of its own so that both have a first transfer.
 * Prints one JSON line.
 * Usage: node --import tsx bench/axfr.ts [--entries 1000000] [--rounds 3] [--concurrent 4]
 *   [--peers bind,nsd,knot] [--modes signed,unsigned] [--cpu-prof-dir DIR]
 *   [--keep (leave the servers' files and logs)] [--registry DIR]
 * With --registry, the registry is built in DIR and kept, or reused if a bench built it there before
 * (bench/support/registry.ts): at 10 M entries its setup is most of a run. Each run adds its own operator.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config/load-config.ts";
import { rpzPolicyOf } from "../src/main.ts";
import type { TsigKey } from "../src/publish/dns/tsig.ts";
import { addOperator } from "../src/publish/operators.ts";
import { openStore } from "../src/store/open-store.ts";
import {
  startBindPrimary,
  startKnotPrimary,
  startNsdPrimary,
  waitForSoa,
} from "../test/support/dns-servers.ts";
import { freePort } from "../test/support/free-port.ts";
import { resetPeakRss, rssMb, type Server, stopAll, versionOf } from "../test/support/processes.ts";
import { type AxfrResult, axfr, stalledAxfr } from "./support/axfr-client.ts";
import { DecreeProcess } from "./support/decree-process.ts";
import { reuseOrBuildRegistry, writeZoneFile } from "./support/registry.ts";
import { ensurePackages } from "./support/system-packages.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    rounds: { type: "string", default: "3" },
    concurrent: { type: "string", default: "4" },
    peers: { type: "string", default: "bind,nsd,knot" },
    modes: { type: "string", default: "signed,unsigned" },
    "cpu-prof-dir": { type: "string" },
    keep: { type: "boolean", default: false },
    registry: { type: "string" },
  },
});
const entries = Number(values.entries);
const rounds = Math.max(1, Number(values.rounds));
const concurrent = Math.max(1, Number(values.concurrent));
const peerNames = values.peers.split(",").filter(Boolean);
type Mode = "signed" | "unsigned";
const modes = values.modes
  .split(",")
  .filter((mode): mode is Mode => mode === "signed" || mode === "unsigned");
if (modes.length === 0) throw new Error("--modes takes signed, unsigned or both");
const headline: Mode = modes[0]!;
// Bounds for one server to load the zone and for one transfer; generous on a shared two-core machine.
const loadTimeoutMs = 60_000 + entries * 0.3;
const transferTimeoutMs = 30_000 + entries * 0.12;

const policy = rpzPolicyOf(loadConfig({ config: "/dev/null", data: "unused" }, {}));
const zone = policy.zone;

const peerServers: Record<
  string,
  { debianPackage: string; start: typeof startNsdPrimary; version: () => string }
> = {
  bind: {
    debianPackage: "bind9",
    start: startBindPrimary,
    version: () => versionOf("/usr/sbin/named", ["-v"]),
  },
  nsd: { debianPackage: "nsd", start: startNsdPrimary, version: () => versionOf("/usr/sbin/nsd", ["-v"]) },
  knot: {
    debianPackage: "knot",
    start: startKnotPrimary,
    version: () => versionOf("/usr/sbin/knotd", ["-V"]),
  },
};

interface Measured extends AxfrResult {
  peakRssMb: number;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** A server's transfers, summed up: the median one (and the best), with their size and memory. */
function describe(transfers: Measured[]) {
  const seconds = transfers.map((t) => t.seconds);
  const typical = median(seconds);
  const first = transfers[0]!;
  return {
    seconds: Number(typical.toFixed(3)),
    bestSeconds: Number(Math.min(...seconds).toFixed(3)),
    recordsPerSecond: Math.round(first.records / typical),
    records: first.records,
    bytes: first.bytes,
    messages: first.messages,
    signedMessages: first.signedMessages,
    firstByteMs: Number(median(transfers.map((t) => t.firstByteMs)).toFixed(1)),
    peakRssMb: Math.max(...transfers.map((t) => t.peakRssMb)),
    runs: transfers.length,
  };
}

/** A random gap of 50 to 250 ms, so that samples do not fall in step with other work on the machine. */
const gap = () => sleep(50 + Math.random() * 200);

async function measure(pid: number, port: number, expected: number, key?: TsigKey): Promise<Measured> {
  await gap();
  resetPeakRss(pid);
  const result = await axfr(port, zone, expected, transferTimeoutMs, key);
  return { ...result, peakRssMb: rssMb(pid).peakRssMb };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-axfr-"));
  let decree: DecreeProcess | undefined;
  try {
    const setupStarted = performance.now();
    const since = (started: number) => Number(((performance.now() - started) / 1000).toFixed(2));
    const dataDir = values.registry ? resolve(values.registry) : join(dir, "decree");
    const registry = await reuseOrBuildRegistry({ dataDir, entries, pending: modes.length, policy });
    // One operator's key, registered in decree as `decree operators add` does, given to every peer as well.
    const store = await openStore({ dataDir });
    const added = await addOperator(
      store.db,
      { name: `bench secondary ${process.pid}` },
      { actor: "bench", now: new Date() },
    ).finally(() => store.close());
    const secret = added.secret!;
    const key: TsigKey = {
      name: added.operator.tsig!.keyName,
      algorithm: "hmac-sha256",
      secret: Buffer.from(secret, "base64"),
    };
    const keyFor = (mode: Mode) => (mode === "signed" ? key : undefined);
    let started = performance.now();
    const zoneFile = join(dir, "rpz.zone");
    const zoneRecords = await writeZoneFile(dataDir, policy, registry.serial, zoneFile);
    const zoneFileSeconds = since(started);
    // AXFR: the SOA, every record (the SOA and NS among them), the SOA again.
    const expected = zoneRecords + 1;

    const missing = ensurePackages(
      peerNames.flatMap((name) => (peerServers[name] ? [peerServers[name].debianPackage] : [])),
    );
    const skipped: Record<string, string> = {};
    const peers: Array<{
      name: string;
      server: Server;
      port: number;
      loadSeconds: number;
      loadRssMb: number;
    }> = [];
    for (const name of peerNames) {
      const peer = peerServers[name];
      if (!peer) {
        skipped[name] = "unknown peer";
        continue;
      }
      const problem = missing.get(peer.debianPackage);
      if (problem) {
        skipped[name] = problem;
        continue;
      }
      const port = await freePort();
      started = performance.now();
      const server = peer.start(name, {
        dir: join(dir, name),
        port,
        zone,
        zoneFile,
        transferKey: { name: key.name, secret },
      });
      await waitForSoa(server, port, zone, loadTimeoutMs);
      peers.push({
        name,
        server,
        port,
        loadSeconds: since(started),
        loadRssMb: rssMb(server.child.pid!).peakRssMb,
      });
    }

    started = performance.now();
    decree = await DecreeProcess.start({
      dataDir,
      log: join(dir, "decree.log"),
      cpuProfileDir: values["cpu-prof-dir"] ? resolve(values["cpu-prof-dir"]) : undefined,
      readyTimeoutMs: loadTimeoutMs,
    });
    const decreeStartSeconds = since(started);
    const decreeIdleRssMb = rssMb(decree.pid).rssMb;
    const memoryIdle = await decree.memory();
    const setupSeconds = since(setupStarted);

    // Per mode, a new release, built while decree serves: its first transfer is what a secondary's NOTIFY
    // brings. The peers serve the zone of the first release: decree's has the approved names' records too.
    const decreeFirst = new Map<Mode, Measured>();
    let decreeExpected = expected;
    for (const [index, mode] of modes.entries()) {
      const released = decree.next(
        (message): message is Extract<typeof message, { type: "release" }> => message.type === "release",
        loadTimeoutMs,
      );
      decree.send({ type: "approve", seq: index + 1, targetId: registry.pending[index]!.id });
      const release = await released;
      if (!release) throw new Error("the approval made no release");
      decreeExpected += release.added - release.removed;
      await sleep(200);
      decreeFirst.set(mode, await measure(decree.pid, decree.port, decreeExpected, keyFor(mode)));
    }
    const memoryAfterFirst = await decree.memory();
    const decreeLater = new Map<Mode, Measured[]>(modes.map((mode) => [mode, []]));
    const peerTransfers = new Map<string, Measured[]>(
      modes.flatMap((mode) => peers.map((peer) => [`${mode} ${peer.name}`, []])),
    );
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        for (const peer of peers) {
          peerTransfers
            .get(`${mode} ${peer.name}`)!
            .push(await measure(peer.server.child.pid!, peer.port, expected, keyFor(mode)));
        }
        decreeLater.get(mode)!.push(await measure(decree.pid, decree.port, decreeExpected, keyFor(mode)));
      }
    }

    const headlineKey = keyFor(headline);
    resetPeakRss(decree.pid);
    const rssBefore = rssMb(decree.pid).rssMb;
    started = performance.now();
    const together = await Promise.all(
      Array.from({ length: concurrent }, () =>
        axfr(decree!.port, zone, decreeExpected, transferTimeoutMs * concurrent, headlineKey),
      ),
    );
    const concurrentSeconds = (performance.now() - started) / 1000;
    const concurrentPeak = rssMb(decree.pid).peakRssMb;

    // The same number of secondaries that stop reading: what decree holds for each transfer until it ends.
    resetPeakRss(decree.pid);
    const rssBeforeStalled = rssMb(decree.pid).rssMb;
    const memoryBeforeStalled = await decree.memory();
    const stalled = await Promise.all(
      Array.from({ length: concurrent }, () =>
        stalledAxfr(decree!.port, zone, transferTimeoutMs, headlineKey),
      ),
    );
    await sleep(1000);
    const whileStalled = rssMb(decree.pid);
    const memoryWhileStalled = await decree.memory();
    for (const transfer of stalled) transfer.close();

    /** One mode's figures: decree's first and later transfers, each peer's, and the ratios to the fastest. */
    const summary = (mode: Mode) => {
      const peerResults = Object.fromEntries(
        peers.map((peer) => [
          peer.name,
          {
            ...describe(peerTransfers.get(`${mode} ${peer.name}`)!),
            loadSeconds: peer.loadSeconds,
            loadPeakRssMb: peer.loadRssMb,
          },
        ]),
      );
      const fastest = Object.entries(peerResults).sort(
        (a, b) => b[1].recordsPerSecond - a[1].recordsPerSecond,
      )[0];
      const first = describe([decreeFirst.get(mode)!]);
      const later = describe(decreeLater.get(mode)!);
      const ratio = (rps: number) =>
        fastest ? Number((rps / fastest[1].recordsPerSecond).toFixed(2)) : null;
      const ratios = {
        decreeFirstVsFastest: ratio(first.recordsPerSecond),
        decreeLaterVsFastest: ratio(later.recordsPerSecond),
      };
      return { peerResults, fastest: fastest?.[0] ?? null, first, later, ratios };
    };
    const main = summary(headline);
    const { first, later, ratios } = main;
    const other = modes.find((mode) => mode !== headline);
    const otherSummary = other ? summary(other) : undefined;
    const result = {
      bench: "axfr",
      entries: registry.entries,
      records: expected,
      rounds,
      registryReused: registry.reused,
      // What the top-level figures are: TSIG-signed transfers (every signed message verified by the client)
      // or transfers authorised by address.
      tsig:
        headline === "signed"
          ? {
              signed: true,
              algorithm: "hmac-sha256",
              key: "one operator key, the same for decree and every peer",
              verified: "every signed message's MAC, chained (RFC 8945 §5.3.1); ≤ 99 unsigned in a row",
            }
          : { signed: false },
      decree: {
        // Every transfer encodes the release as it streams it, from the zone in memory: none is a cached resend.
        cachedEncoding: false,
        first: { ...first, idleRssBeforeMb: decreeIdleRssMb, afterReleaseMs: 200 },
        later,
        concurrent: {
          transfers: concurrent,
          signed: headline === "signed",
          wallSeconds: Number(concurrentSeconds.toFixed(3)),
          slowestSeconds: Number(Math.max(...together.map((t) => t.seconds)).toFixed(3)),
          recordsPerSecond: Math.round((together.length * decreeExpected) / concurrentSeconds),
          rssBeforeMb: rssBefore,
          peakRssMb: concurrentPeak,
        },
        stalledReaders: {
          transfers: concurrent,
          rssBeforeMb: rssBeforeStalled,
          rssAfter1sMb: whileStalled.rssMb,
          peakRssMb: whileStalled.peakRssMb,
        },
        // process.memoryUsage() of decree's process: encoded messages and their copies are in arrayBuffers.
        memory: {
          idle: memoryIdle,
          afterFirstTransfer: memoryAfterFirst,
          beforeStalled: memoryBeforeStalled,
          whileStalled: memoryWhileStalled,
        },
        startSeconds: decreeStartSeconds,
        childErrors: decree.errors.slice(0, 3),
      },
      ...main.peerResults,
      skipped,
      fastestPeer: main.fastest,
      // Speed relative to the fastest peer: 1.0 is as fast, above is faster.
      ratios,
      ...(otherSummary && other
        ? {
            [other]: {
              decree: {
                cachedEncoding: false,
                first: otherSummary.first,
                later: otherSummary.later,
              },
              ...otherSummary.peerResults,
              fastestPeer: otherSummary.fastest,
              ratios: otherSummary.ratios,
            },
          }
        : {}),
      setupSeconds: {
        total: setupSeconds,
        decreeImport: registry.seconds.import,
        decreeBulkApprove: registry.seconds.activate,
        decreeFirstRelease: registry.seconds.firstRelease,
        zoneFile: zoneFileSeconds,
      },
      target: {
        decreeVsFastestAtLeast: 1,
        firstByteMsAtMost: 20,
        metFirst: ratios.decreeFirstVsFastest !== null && ratios.decreeFirstVsFastest >= 1,
        metFirstByte: first.firstByteMs <= 20,
        metLater: ratios.decreeLaterVsFastest !== null && ratios.decreeLaterVsFastest >= 1,
      },
      versions: {
        node: process.version,
        ...Object.fromEntries(peers.map((peer) => [peer.name, peerServers[peer.name]!.version()])),
      },
      load: readFileSync("/proc/loadavg", "utf8").trim(),
      note: "loopback, 2 cores shared with other work: figures are noisy",
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await decree?.stop();
    await stopAll();
    if (values.keep) process.stderr.write(`bench: files and logs kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();

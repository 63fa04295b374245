/**
 * bench/large-release: how long a release of a bulk approval (`--bulk` names, default 200,000, each a name and
 * its `*.name`) holds up the answers of decree's DNS primary serving an `--entries`-entry zone (default
 * 1,000,000): SOA latency over UDP from before the approval until well after the primary serves the release.
 *
 * The primary runs on its own thread as in `decree serve` (DnsPrimaryThread, its own store connection); this
 * process builds the release (the bulk approved in two statements, then buildRelease, as the service's
 * scheduler would after `decree targets approve`) and tells the thread, which reads the release's journal (or
 * the whole zone, past a quarter of it) and applies it. A worker thread of this process asks SOA at random gaps
 * of 0–2 ms, each latency from the question handed to its socket to its answer read (hrtime), with the serial
 * answered, so that the figures cover the whole of the thread's catch-up: `applying` is from the thread told
 * to the thread serving the new serial. A question unanswered after a second counts as lost. Prints one JSON
 * line.
 *
 *   flock /tmp/bench.lock node --import tsx bench/large-release.ts [--entries 1000000] [--bulk 200000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { loadConfig } from "../src/config/load-config.ts";
import { rpzPolicyOf } from "../src/main.ts";
import { buildRelease } from "../src/publish/build-release.ts";
import { DnsPrimaryThread } from "../src/publish/dns/dns-primary-thread.ts";
import { openStore } from "../src/store/open-store.ts";
import { activateAllProposed, addPending, buildRegistry } from "./support/registry.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    bulk: { type: "string", default: "200000" },
  },
});
const entries = Number(values.entries);
const bulk = Number(values.bulk);
const policy = rpzPolicyOf(loadConfig({ config: "/dev/null", data: "unused" }, {}));

/** The asking side, on a thread of its own so that this thread's release build never delays a question. */
const askerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { createSocket } = require("node:dgram");
const { port, question } = workerData;
const socket = createSocket("udp4");
const waiting = new Map();
const answers = [];
let lost = 0;
let stopping = false;
socket.on("message", (message) => {
  const id = message.readUInt16BE(0);
  const asked = waiting.get(id);
  if (asked === undefined) return;
  waiting.delete(id);
  // The SOA serial: the answer's last 20 octets are serial, refresh, retry, expire, minimum.
  const count = message.readUInt16BE(6);
  const serial = count > 0 ? findSerial(message) : -1;
  answers.push([Number(asked) / 1e6, Number(process.hrtime.bigint() - asked) / 1e6, serial]);
});
function skipName(message, at) {
  for (;;) {
    const length = message[at];
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2;
    at += length + 1;
  }
}
function findSerial(message) {
  // Question: name then type and class; answer: name (a pointer), type, class, ttl, rdlength, rdata.
  let at = skipName(message, 12) + 4;
  at = skipName(message, at);
  if (message.readUInt16BE(at) !== 6) return -1;
  const rdlength = message.readUInt16BE(at + 8);
  return message.readUInt32BE(at + 10 + rdlength - 20);
}
parentPort.on("message", () => { stopping = true; });
socket.bind(0, "127.0.0.1", async () => {
  let id = 0;
  const q = Buffer.from(question);
  while (!stopping) {
    id = (id + 1) & 0xffff;
    if (waiting.has(id)) lost++;
    q.writeUInt16BE(id, 0);
    waiting.set(id, process.hrtime.bigint());
    socket.send(q, port, "127.0.0.1");
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  lost += waiting.size;
  socket.close();
  parentPort.postMessage({ answers, lost });
});
`;

function soaQuestion(zone: string): Buffer {
  const labels = zone.split(".").filter(Boolean);
  const name = Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
  const header = Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, name, Buffer.from([0, 6, 0, 1])]);
}

function summary(latencies: number[]) {
  if (latencies.length === 0) return { count: 0 };
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3));
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Number(sorted.at(-1)!.toFixed(3)) };
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(2));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-large-release-"));
  const thread = new DnsPrimaryThread({
    store: { dataDir: join(dir, "decree") },
    host: "127.0.0.1",
    port: 0,
    policy,
    transferAllow: [],
    rateLimit: false,
    // Told of the release by this process, as the service tells it: no look at the store meanwhile.
    refreshMs: 0,
  });
  try {
    const load = { before: loadavg().map((n) => Number(n.toFixed(2))) };
    const dataDir = join(dir, "decree");
    const registry = await buildRegistry({ dataDir, entries, pending: 0, policy });
    const store = await openStore({ dataDir });
    await addPending(store, bulk, new Date());
    const { soa_serial: oldSerial } = await store.db
      .selectFrom("releases")
      .select("soa_serial")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    const { port } = await thread.start();
    const asker = new Worker(askerSource, {
      eval: true,
      workerData: { port, question: soaQuestion(policy.zone) },
    });
    const result = new Promise<{ answers: Array<[number, number, number]>; lost: number }>((resolve) =>
      asker.once("message", resolve),
    );
    const now = () => Number(process.hrtime.bigint()) / 1e6;
    await sleep(3000);
    const approvedAt = now();
    await activateAllProposed(store, new Date());
    const release = await buildRelease(store.db, store.dialect, policy, new Date());
    if (!release) throw new Error("the bulk approval made no release");
    const toldAt = now();
    const served = new Promise<number>((resolve) => {
      const heard = (serial: number) => {
        if (serial !== release.soaSerial) return;
        thread.off("served", heard);
        resolve(now());
      };
      thread.on("served", heard);
    });
    thread.released(release.soaSerial);
    const servedAt = await served;
    await sleep(3000);
    asker.postMessage("stop");
    const { answers, lost } = await result;
    await asker.terminate();
    await store.close();
    const during = (from: number, to: number) => answers.filter(([at]) => at >= from && at < to);
    const applying = during(toldAt, servedAt);
    const serials = answers.map(([, , serial]) => serial);
    const line = {
      bench: "large-release",
      entries: registry.entries,
      records: registry.records,
      bulk,
      recordsAdded: release.recordCount - registry.records,
      seconds: {
        buildRelease: seconds(toldAt - approvedAt),
        toldToServed: seconds(servedAt - toldAt),
      },
      soa: {
        before: summary(during(0, approvedAt).map(([, ms]) => ms)),
        buildingRelease: summary(during(approvedAt, toldAt).map(([, ms]) => ms)),
        applying: summary(applying.map(([, ms]) => ms)),
        after: summary(during(servedAt, Number.POSITIVE_INFINITY).map(([, ms]) => ms)),
      },
      // The longest any question waited while the thread applied the release: what it holds answers for.
      longestWaitWhileApplyingMs: Number(Math.max(0, ...applying.map(([, ms]) => ms)).toFixed(3)),
      answeredWhileApplying: applying.length,
      lost,
      serials: { old: Number(oldSerial), new: release.soaSerial },
      onlyOldOrNew: serials.every((s) => s === Number(oldSerial) || s === release.soaSerial),
      serialNeverBack: serials.every((s, i) => i === 0 || s >= serials[i - 1]!),
      setupSeconds: registry.seconds,
      load: { ...load, after: loadavg().map((n) => Number(n.toFixed(2))) },
      includes:
        "UDP SOA question to answer on loopback from a thread of this process; the primary on its own thread " +
        "reading the release's journal (or the whole zone past a quarter of it) from the store and applying " +
        "it; soa.applying is from the thread told of the release to it serving the new serial",
      note: "2 cores shared with other work: figures are noisy",
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    await thread.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

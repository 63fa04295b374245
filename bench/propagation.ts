/**
 * bench/propagation: how long after an approval commits a real Unbound blocks the name, with decree as its
 * RPZ primary, side by side in the same run with BIND 9 as the primary of the same zone fed by RFC 2136
 * updates.
 *
 * The registry holds `--entries` active entries (default 1,000,000, ~1.5 M records); each of `--changes`
 * changes (default 100) approves one new `domain` target in decree's own process (decideTargets, then a poke
 * as the approve path does), while this process asks Unbound for the name over UDP every ~1 ms until
 * NXDOMAIN. For BIND the same name is added by a TSIG-signed UPDATE; its latency is given from sending the
 * update and from BIND's answer to it (BIND having the change). Changes alternate decree, BIND, `--gap-ms`
 * apart (default 20), so load on the machine hits both. BIND is tuned for latency (see startBindPrimary:
 * notify-delay 0, notify-rate 1000). Times are process.hrtime.bigint() (CLOCK_MONOTONIC), the same clock in
 * decree's process and this one. Prints one JSON line.
 * Usage: node --import tsx bench/propagation.ts [--entries 1000000] [--changes 100]
 *   [--timeout-ms 10000] [--max-seconds 900] [--gap-ms 20] [--window-ms N] [--cpu-prof-dir DIR]
 *   [--clock-interval-ms N (decree's clock, default 1000: a diagnostic, to see what its ticks cost)]
 *   [--raw (every sample too)] [--keep (leave the servers' files and logs, and say where)]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import dnsPacket from "dns-packet";
import { loadConfig } from "../src/config/load-config.ts";
import { rpzPolicyOf } from "../src/main.ts";
import { signMessage, type TsigKey } from "../src/publish/dns/tsig.ts";
import {
  startBindPrimary,
  startUnboundSecondary,
  waitForSoa,
  waitUntilBlocked,
} from "../test/support/dns-servers.ts";
import { Rcode, rcodeOf, startLocalAuthority, UdpClient } from "../test/support/dns-wire.ts";
import { freePorts } from "../test/support/free-port.ts";
import { rssMb, type Server, stopAll, versionOf } from "../test/support/processes.ts";
import type { ChildMessage } from "./support/decree-child.ts";
import { DecreeProcess } from "./support/decree-process.ts";
import { buildRegistry, writeZoneFile } from "./support/registry.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    changes: { type: "string", default: "100" },
    "timeout-ms": { type: "string", default: "10000" },
    "max-seconds": { type: "string", default: "900" },
    "gap-ms": { type: "string", default: "20" },
    "window-ms": { type: "string" },
    "clock-interval-ms": { type: "string" },
    "cpu-prof-dir": { type: "string" },
    raw: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const entries = Number(values.entries);
const changes = Number(values.changes);
const changeTimeoutMs = Number(values["timeout-ms"]);
const maxSeconds = Number(values["max-seconds"]);
const windowMs = values["window-ms"] === undefined ? undefined : Number(values["window-ms"]);
const gapMs = Number(values["gap-ms"]);
const clockIntervalMs =
  values["clock-interval-ms"] === undefined ? undefined : Number(values["clock-interval-ms"]);
// Loading a zone into Unbound takes seconds per hundred thousand records on this machine; be generous.
const loadTimeoutMs = 60_000 + entries * 0.5;

const config = loadConfig({ config: "/dev/null", data: "unused" }, {});
const policy = rpzPolicyOf(config);
const zone = policy.zone;
const updateKey: TsigKey = { name: "bench-update", algorithm: "hmac-sha256", secret: randomBytes(32) };

const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
const round = (value: number) => Number(value.toFixed(1));

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

/** p50Ms, p95Ms… or, with a prefix, fromUpdateP50Ms, fromUpdateP95Ms… */
function summary(samples: number[], prefix = "") {
  const sorted = [...samples].sort((a, b) => a - b);
  const key = (name: string) => (prefix ? `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
  const mean = sorted.length ? round(sorted.reduce((a, b) => a + b, 0) / sorted.length) : null;
  return {
    [key("p50Ms")]: percentile(sorted, 50),
    [key("p95Ms")]: percentile(sorted, 95),
    [key("minMs")]: sorted.length ? round(sorted[0]!) : null,
    [key("maxMs")]: sorted.length ? round(sorted.at(-1)!) : null,
    [key("meanMs")]: mean,
  };
}

const p50 = (samples: number[]) =>
  percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );

/**
 * Asks the resolver for `name` every ~1 ms until it answers NXDOMAIN; returns when that answer arrived, or
 * undefined at the deadline. One query in flight at a time, so a slow resolver is not flooded.
 */
async function pollUntilBlocked(client: UdpClient, port: number, name: string, deadline: number) {
  while (performance.now() < deadline) {
    const sent = performance.now();
    const reply = await client.query(port, name, "A", 200);
    if (reply && rcodeOf(reply.message) === Rcode.nxDomain) return reply.at;
    const wait = 1 - (performance.now() - sent);
    await sleep(Math.max(0, wait));
  }
  return undefined;
}

/** The name resolves (NOERROR) before the change: it is in the resolver's cache, and not blocked yet. */
async function primeName(client: UdpClient, port: number, name: string): Promise<void> {
  const reply = await client.query(port, name, "A", 2000);
  if (!reply || rcodeOf(reply.message) !== Rcode.noError) {
    throw new Error(
      `${name} does not resolve before the change (rcode ${reply ? rcodeOf(reply.message) : "timeout"})`,
    );
  }
}

interface DecreeSample {
  blockedMs: number;
  fromDecisionStartMs: number;
  decideMs: number;
  releaseMs?: number;
  transferMs?: number;
  transferKind?: string;
}

/**
 * Each stage of decree's path at one percentile: the decision, then from its commit the release and transfer.
 */
function stages(samples: DecreeSample[], p: number) {
  const at = (values: Array<number | undefined>) =>
    percentile(
      values.filter((value): value is number => value !== undefined).sort((a, b) => a - b),
      p,
    );
  return {
    decide: at(samples.map((s) => s.decideMs)),
    releaseBuilt: at(samples.map((s) => s.releaseMs)),
    transferServed: at(samples.map((s) => s.transferMs)),
  };
}

async function measureDecree(
  decree: DecreeProcess,
  client: UdpClient,
  port: number,
  target: { id: number; value: string },
  seq: number,
): Promise<DecreeSample | undefined> {
  await primeName(client, port, target.value);
  const seen: ChildMessage[] = [];
  const collect = (message: ChildMessage) => seen.push(message);
  decree.on("message", collect);
  try {
    const approved = decree.next(
      (m): m is Extract<ChildMessage, { type: "approved" }> => m.type === "approved" && m.seq === seq,
      changeTimeoutMs,
    );
    decree.send({ type: "approve", seq, targetId: target.id });
    const blockedAt = await pollUntilBlocked(client, port, target.value, performance.now() + changeTimeoutMs);
    const done = await approved;
    if (!blockedAt || !done) return undefined;
    const commit = BigInt(done.commitNs);
    const release = seen.find((m) => m.type === "release" && BigInt(m.atNs) >= commit);
    const releaseAt = release?.type === "release" ? BigInt(release.atNs) : undefined;
    const transfer = seen.find(
      (m) => m.type === "transfer" && release?.type === "release" && m.serial === release.serial,
    );
    return {
      blockedMs: ms(commit, blockedAt),
      fromDecisionStartMs: ms(BigInt(done.startNs), blockedAt),
      decideMs: ms(BigInt(done.startNs), commit),
      ...(releaseAt ? { releaseMs: ms(commit, releaseAt) } : {}),
      ...(transfer?.type === "transfer"
        ? { transferMs: ms(commit, BigInt(transfer.atNs)), transferKind: transfer.kind }
        : {}),
    };
  } finally {
    decree.off("message", collect);
  }
}

/** An RFC 2136 UPDATE adding the name and its wildcard (what decree publishes for a domain), TSIG-signed. */
function updateMessage(id: number, name: string): Buffer {
  const owner = `${name}.${zone}`;
  const message = dnsPacket.encode({
    type: "query",
    id,
    // dns-packet writes no opcode of its own: UPDATE is opcode 5 in the flags (RFC 2136 §2.2).
    flags: 5 << 11,
    questions: [{ name: zone, type: "SOA", class: "IN" }],
    authorities: [
      { name: owner, type: "CNAME", ttl: policy.ttl, class: "IN", data: "." },
      { name: `*.${owner}`, type: "CNAME", ttl: policy.ttl, class: "IN", data: "." },
    ],
  });
  return signMessage(message, updateKey).message;
}

interface BindSample {
  fromUpdateMs: number;
  fromAnswerMs: number;
  updateRttMs: number;
}

async function measureBind(
  updates: UdpClient,
  client: UdpClient,
  bindPort: number,
  unboundPort: number,
  name: string,
): Promise<BindSample | undefined> {
  await primeName(client, unboundPort, name);
  const message = updateMessage(updates.id(), name);
  const sentAt = process.hrtime.bigint();
  const answered = updates.exchange(bindPort, message, changeTimeoutMs);
  const blockedAt = await pollUntilBlocked(client, unboundPort, name, performance.now() + changeTimeoutMs);
  const answer = await answered;
  if (!answer || rcodeOf(answer.message) !== Rcode.noError) {
    throw new Error(
      `BIND refused the update of ${name}: rcode ${answer ? rcodeOf(answer.message) : "timeout"}`,
    );
  }
  if (!blockedAt) return undefined;
  return {
    fromUpdateMs: ms(sentAt, blockedAt),
    fromAnswerMs: ms(answer.at, blockedAt),
    updateRttMs: ms(sentAt, answer.at),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-propagation-"));
  let decree: DecreeProcess | undefined;
  let authority: Awaited<ReturnType<typeof startLocalAuthority>> | undefined;
  const clients: UdpClient[] = [];
  try {
    const setupStarted = performance.now();
    const since = (started: number) => Number(((performance.now() - started) / 1000).toFixed(2));
    const [unboundDecreePort, unboundBindPort, bindPort] = (await freePorts(3)) as [number, number, number];
    const dataDir = join(dir, "decree");
    const registry = await buildRegistry({
      dataDir,
      entries,
      pending: changes,
      policy,
      operators: [
        { name: "bench-unbound", notify: [`127.0.0.1:${unboundDecreePort}`], allow: ["127.0.0.1"] },
      ],
    });
    let started = performance.now();
    const zoneFile = join(dir, "rpz.zone");
    await writeZoneFile(dataDir, policy, registry.serial, zoneFile);
    const zoneFileSeconds = since(started);
    authority = await startLocalAuthority();

    started = performance.now();
    decree = await DecreeProcess.start({
      dataDir,
      log: join(dir, "decree.log"),
      cpuProfileDir: values["cpu-prof-dir"] ? resolve(values["cpu-prof-dir"]) : undefined,
      windowMs,
      clockIntervalMs,
      readyTimeoutMs: loadTimeoutMs,
    });
    const decreeStartSeconds = since(started);
    started = performance.now();
    const bind = startBindPrimary("bind", {
      dir: join(dir, "bind"),
      port: bindPort,
      zone,
      zoneFile,
      updateKey: { name: updateKey.name, secret: updateKey.secret.toString("base64") },
      alsoNotify: [unboundBindPort],
    });
    await waitForSoa(bind, bindPort, zone, loadTimeoutMs);
    const bindLoadSeconds = since(started);

    // Both resolvers pull their whole zone at start (AXFR), at the same time, as two consumers would.
    const unboundDecree = startUnboundSecondary("unbound-decree", {
      dir: join(dir, "unbound-decree"),
      port: unboundDecreePort,
      zone,
      primaryPort: decree.port,
      stubPort: authority.port,
    });
    const unboundBind = startUnboundSecondary("unbound-bind", {
      dir: join(dir, "unbound-bind"),
      port: unboundBindPort,
      zone,
      primaryPort: bindPort,
      stubPort: authority.port,
    });
    started = performance.now();
    const loaded = async (server: Server, port: number) => {
      await waitUntilBlocked(server, port, registry.probeName, loadTimeoutMs);
      return since(started);
    };
    const [fromDecree, fromBind] = await Promise.all([
      loaded(unboundDecree, unboundDecreePort),
      loaded(unboundBind, unboundBindPort),
    ]);
    const setupSeconds = since(setupStarted);

    const probe = new UdpClient();
    const updates = new UdpClient();
    clients.push(probe, updates);
    const decreeSamples: DecreeSample[] = [];
    const bindSamples: BindSample[] = [];
    let decreeTimeouts = 0;
    let bindTimeouts = 0;
    const loopStarted = performance.now();
    for (const [seq, target] of registry.pending.entries()) {
      if (performance.now() - loopStarted > maxSeconds * 1000) break;
      const fromDecreeSample = await measureDecree(decree, probe, unboundDecreePort, target, seq);
      if (fromDecreeSample) decreeSamples.push(fromDecreeSample);
      else decreeTimeouts++;
      await sleep(gapMs);
      const fromBindSample = await measureBind(updates, probe, bindPort, unboundBindPort, target.value);
      if (fromBindSample) bindSamples.push(fromBindSample);
      else bindTimeouts++;
      await sleep(gapMs);
    }

    const kinds = [...new Set(decreeSamples.map((s) => s.transferKind ?? "none"))];
    const result = {
      bench: "propagation",
      entries: registry.entries,
      records: registry.records,
      changes: registry.pending.length,
      gapMs,
      decree: {
        ...summary(decreeSamples.map((s) => s.blockedMs)),
        samples: decreeSamples.length,
        timeouts: decreeTimeouts,
        fromDecisionStartP50Ms: p50(decreeSamples.map((s) => s.fromDecisionStartMs)),
        // Where the time goes, each from the commit: the release built (after the window), the transfer
        // served.
        stagesP50Ms: stages(decreeSamples, 50),
        stagesP95Ms: stages(decreeSamples, 95),
        transferKinds: kinds,
        releaseWindowMs: windowMs ?? config.releaseWindowMs,
        clockIntervalMs: clockIntervalMs ?? 1000,
        childErrors: decree.errors.slice(0, 3),
      },
      bind: {
        ...summary(
          bindSamples.map((s) => s.fromUpdateMs),
          "fromUpdate",
        ),
        ...summary(
          bindSamples.map((s) => s.fromAnswerMs),
          "fromCommit",
        ),
        updateRttP50Ms: p50(bindSamples.map((s) => s.updateRttMs)),
        samples: bindSamples.length,
        timeouts: bindTimeouts,
      },
      setupSeconds: {
        total: setupSeconds,
        decreeImport: registry.seconds.import,
        decreeBulkApprove: registry.seconds.activate,
        decreeFirstRelease: registry.seconds.firstRelease,
        zoneFile: zoneFileSeconds,
        decreeStart: decreeStartSeconds,
        bindLoad: bindLoadSeconds,
        unboundLoadFromDecree: fromDecree,
        unboundLoadFromBind: fromBind,
      },
      rssMb: {
        decree: rssMb(decree.pid),
        bind: rssMb(bind.child.pid!),
        unboundFromDecree: rssMb(unboundDecree.child.pid!),
        unboundFromBind: rssMb(unboundBind.child.pid!),
      },
      target: { decreeP50Ms: 50 },
      versions: {
        node: process.version,
        unbound: versionOf("/usr/sbin/unbound", ["-V"]),
        bind: versionOf("/usr/sbin/named", ["-v"]),
      },
      note: "loopback, 2 cores shared with other work: figures are noisy",
      ...(values.raw ? { raw: { decree: decreeSamples, bind: bindSamples } } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const client of clients) client.close();
    authority?.close();
    await decree?.stop();
    await stopAll();
    if (values.keep) process.stderr.write(`bench: files and logs kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();

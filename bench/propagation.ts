/**
 * bench/propagation: how long after an approval a real Unbound blocks the name, with decree as its RPZ primary,
 * side by side in the same run with BIND 9 as the primary of the same zone fed by RFC 2136 updates.
 *
 * The path a user takes: the registry holds `--entries` active entries (default 1,000,000, ~1.5 M records),
 * `decree serve` runs as its own process (the real command, bin/decree.js, SQLite), and each of `--changes`
 * changes (default 100) is `POST /targets/decisions` over HTTP with an authority's token approving one proposed
 * `domain` target; the time runs from the request sent until Unbound (a secondary of decree's zone, NOTIFYed by
 * it) answers NXDOMAIN for the name. It includes the HTTP request, authentication, the approval policy and its
 * transaction, the release window and build, NOTIFY, the IXFR and Unbound's reload. For BIND the same name is
 * added by a TSIG-signed UPDATE, timed from the update sent (and from BIND's answer) until NXDOMAIN at an Unbound
 * that is BIND's secondary. Changes alternate decree, BIND, in random order, at random gaps of 0 to `--max-gap-ms`
 * (default 500) so that periodic work in either server falls on samples as often as between them. While a change
 * propagates each primary is asked for its SOA every ~2 ms (`--primary-poll-ms`, 0 for never) to say when it
 * serves the new serial: the stage split. BIND is tuned for latency (see startBindPrimary: notify-delay 0,
 * notify-rate 1000). Times are process.hrtime.bigint() (CLOCK_MONOTONIC). Prints one JSON line.
 * Usage: node --import tsx bench/propagation.ts [--entries 1000000] [--changes 100]
 *   [--timeout-ms 10000] [--max-seconds 900] [--max-gap-ms 500] [--window-ms N] [--primary-poll-ms 2]
 *   [--cpu-prof-dir DIR] [--clock-interval-ms N (accepted for old scripts; `decree serve` runs its own clock)]
 *   [--raw (every sample too)] [--keep (leave the servers' files and logs, and say where)]
 * Big runs go under `flock /tmp/bench.lock`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import dnsPacket from "dns-packet";
import { createOrganisation } from "../src/accounts/organisations.ts";
import { issueToken } from "../src/accounts/tokens.ts";
import { createUser } from "../src/accounts/users.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { rpzPolicyOf } from "../src/main.ts";
import { signMessage, type TsigKey } from "../src/publish/dns/tsig.ts";
import { openStore } from "../src/store/open-store.ts";
import {
  startBindPrimary,
  startUnboundSecondary,
  waitForSoa,
  waitUntilBlocked,
} from "../test/support/dns-servers.ts";
import { Rcode, rcodeOf, startLocalAuthority, UdpClient } from "../test/support/dns-wire.ts";
import { freePorts } from "../test/support/free-port.ts";
import { rssMb, type Server, stopAll, stopProcess, versionOf } from "../test/support/processes.ts";
import { firstJsonValue } from "./support/first-json-value.ts";
import { buildRegistry, writeZoneFile } from "./support/registry.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "1000000" },
    changes: { type: "string", default: "100" },
    "timeout-ms": { type: "string", default: "10000" },
    "max-seconds": { type: "string", default: "900" },
    "max-gap-ms": { type: "string", default: "500" },
    "gap-ms": { type: "string" },
    "window-ms": { type: "string" },
    "primary-poll-ms": { type: "string", default: "2" },
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
// --gap-ms (a fixed gap) is what older scripts passed: it is now the upper bound of the random gap.
const maxGapMs = Number(values["gap-ms"] ?? values["max-gap-ms"]);
const primaryPollMs = Number(values["primary-poll-ms"]);
// Loading a zone into Unbound takes seconds per hundred thousand records on this machine; be generous.
const loadTimeoutMs = 60_000 + entries * 0.5;
const decreeBin = fileURLToPath(new URL("../bin/decree.js", import.meta.url));

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

/** The zone's SOA serial at a primary, or undefined when it does not answer. */
async function soaSerialAt(client: UdpClient, port: number): Promise<number | undefined> {
  const reply = await client.query(port, zone, "SOA", 200);
  if (!reply) return undefined;
  const soa = dnsPacket.decode(reply.message).answers?.find((answer) => answer.type === "SOA");
  return soa?.type === "SOA" ? soa.data.serial : undefined;
}

/**
 * Asks a primary for its SOA every `primaryPollMs` until the serial moves past `before`; returns when it did.
 * Stops (undefined) when `done` says the change is through, so a stage it never saw costs no more queries.
 */
async function pollUntilSerialMoves(
  client: UdpClient,
  port: number,
  before: number,
  deadline: number,
  done: () => boolean,
): Promise<bigint | undefined> {
  if (primaryPollMs <= 0) return undefined;
  while (performance.now() < deadline && !done()) {
    const sent = performance.now();
    const reply = await client.query(port, zone, "SOA", 200);
    const soa = reply && dnsPacket.decode(reply.message).answers?.find((answer) => answer.type === "SOA");
    if (reply && soa?.type === "SOA" && soa.data.serial !== before) return reply.at;
    await sleep(Math.max(0, primaryPollMs - (performance.now() - sent)));
  }
  return undefined;
}

interface DecreeSample {
  /** From the HTTP request sent until NXDOMAIN at Unbound: the figure. */
  blockedMs: number;
  /** From the HTTP answer (the approval committed) until NXDOMAIN. */
  fromAnswerMs: number;
  /** The HTTP request: sent until its answer arrived. */
  httpMs: number;
  /** From the request sent until decree's primary answers SOA with the new serial (release built). */
  primaryMs?: number;
  gapMs: number;
}

/** Each stage of decree's path at one percentile, each from the request sent. */
function stages(samples: DecreeSample[], p: number) {
  const at = (list: Array<number | undefined>) =>
    percentile(
      list.filter((value): value is number => value !== undefined).sort((a, b) => a - b),
      p,
    );
  return {
    // Field names kept from the in-process bench: `decide` is now the whole HTTP request.
    decide: at(samples.map((s) => s.httpMs)),
    releaseBuilt: at(samples.map((s) => s.primaryMs)),
    blocked: at(samples.map((s) => s.blockedMs)),
  };
}

interface Decree {
  child: ChildProcess;
  http: string;
  dnsPort: number;
  metricsUrl: string;
  token: string;
  log: string;
}

/** The authority who approves: a user with a token, written to the store before `decree serve` opens it. */
async function authorityToken(dataDir: string): Promise<string> {
  const store = await openStore({ dataDir });
  try {
    const context = { actor: "bench", now: new Date() };
    const organisation = await createOrganisation(store.db, { name: "Bench authority" }, context);
    const user = await createUser(
      store.db,
      { organisationId: organisation.id, email: "authority@bench.example", role: "authority" },
      context,
    );
    return (await issueToken(store.db, { userId: user.id, label: "bench" }, context)).token;
  } finally {
    await store.close();
  }
}

/** `decree --json serve` on the registry, as an operator starts it; resolves once it listens. */
async function startDecree(dataDir: string, dir: string, token: string): Promise<Decree> {
  const [dnsPort, metricsPort] = (await freePorts(2)) as [number, number];
  const log = join(dir, "decree.log");
  const fd = openSync(log, "a");
  const profile = values["cpu-prof-dir"]
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(values["cpu-prof-dir"])}`]
    : [];
  const args = [...profile, decreeBin, "--json", "--data", dataDir, "serve"];
  args.push("--http", "127.0.0.1:0", "--dns", `127.0.0.1:${dnsPort}`, "--stop", "127.0.0.1:0");
  args.push("--metrics", `127.0.0.1:${metricsPort}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DECREE_LOG_LEVEL: "warn",
    DECREE_APPROVAL_CANCEL_WINDOW_MS: "0",
  };
  if (windowMs !== undefined) env.DECREE_RELEASE_WINDOW_MS = String(windowMs);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", fd], env });
  closeSync(fd);
  const tail = () => readFileSync(log, "utf8").split("\n").slice(-20).join("\n");
  const http = await new Promise<string>((resolveHttp, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`decree serve did not start in time\n${tail()}`)),
      loadTimeoutMs,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const listening = firstJsonValue<{ http: { port: number } }>(output);
      if (!listening) return;
      clearTimeout(timer);
      resolveHttp(`http://127.0.0.1:${listening.http.port}`);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`decree serve exited with ${code} before it listened\n${tail()}`));
    });
  });
  return { child, http, dnsPort, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, token, log };
}

/** SIGTERM (an orderly stop, so that a CPU profile is written), SIGKILL if it does not come. */
async function stopDecree(decree: Decree): Promise<void> {
  const { child } = decree;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => void stopProcess(child), 15_000);
  await exited;
  clearTimeout(timer);
}

/** What decree's own metrics say about the run: transfers by kind, release builds, NOTIFYs. */
async function decreeMetrics(decree: Decree) {
  const text = await (await fetch(decree.metricsUrl)).text();
  const kinds = new Map<string, number>();
  let buildSum = 0;
  let buildCount = 0;
  for (const line of text.split("\n")) {
    const transfer = /^decree_zone_transfers_total\{([^}]*)\} (\S+)/.exec(line);
    if (transfer) {
      const kind = /kind="([^"]*)"/.exec(transfer[1]!)?.[1] ?? "?";
      if (kind !== "SOA" && /result="ok"/.test(transfer[1]!))
        kinds.set(kind, (kinds.get(kind) ?? 0) + Number(transfer[2]));
    }
    const sum = /^decree_release_build_seconds_sum (\S+)/.exec(line);
    if (sum) buildSum = Number(sum[1]);
    const count = /^decree_release_build_seconds_count (\S+)/.exec(line);
    if (count) buildCount = Number(count[1]);
  }
  return {
    transfers: Object.fromEntries(kinds),
    releaseBuilds: buildCount,
    releaseBuildMeanMs: buildCount ? round((buildSum / buildCount) * 1000) : null,
  };
}

async function measureDecree(
  decree: Decree,
  probe: UdpClient,
  primaryProbe: UdpClient,
  unboundPort: number,
  target: { id: number; value: string },
  gap: number,
): Promise<DecreeSample | undefined> {
  await primeName(probe, unboundPort, target.value);
  const before = await soaSerialAt(primaryProbe, decree.dnsPort);
  const deadline = performance.now() + changeTimeoutMs;
  let blocked = false;
  const sentAt = process.hrtime.bigint();
  const answered = fetch(`${decree.http}/targets/decisions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${decree.token}` },
    body: JSON.stringify({ decision: "approve", targets: [target.id], reason: "bench: propagation" }),
  }).then(async (response) => {
    const at = process.hrtime.bigint();
    const text = await response.text();
    if (response.status !== 200) throw new Error(`the approval was refused: ${response.status} ${text}`);
    return at;
  });
  const primaryAt =
    before === undefined
      ? Promise.resolve(undefined)
      : pollUntilSerialMoves(primaryProbe, decree.dnsPort, before, deadline, () => blocked);
  const blockedAt = await pollUntilBlocked(probe, unboundPort, target.value, deadline);
  blocked = true;
  const [answerAt, primary] = await Promise.all([answered, primaryAt]);
  if (!blockedAt) return undefined;
  return {
    blockedMs: ms(sentAt, blockedAt),
    fromAnswerMs: ms(answerAt, blockedAt),
    httpMs: ms(sentAt, answerAt),
    ...(primary ? { primaryMs: ms(sentAt, primary) } : {}),
    gapMs: gap,
  };
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
  /** From the update sent until BIND answers SOA with the new serial. */
  primaryMs?: number;
  gapMs: number;
}

async function measureBind(
  updates: UdpClient,
  probe: UdpClient,
  primaryProbe: UdpClient,
  bindPort: number,
  unboundPort: number,
  name: string,
  gap: number,
): Promise<BindSample | undefined> {
  await primeName(probe, unboundPort, name);
  const before = await soaSerialAt(primaryProbe, bindPort);
  const deadline = performance.now() + changeTimeoutMs;
  let blocked = false;
  const message = updateMessage(updates.id(), name);
  const sentAt = process.hrtime.bigint();
  const answered = updates.exchange(bindPort, message, changeTimeoutMs);
  const primaryAt =
    before === undefined
      ? Promise.resolve(undefined)
      : pollUntilSerialMoves(primaryProbe, bindPort, before, deadline, () => blocked);
  const blockedAt = await pollUntilBlocked(probe, unboundPort, name, deadline);
  blocked = true;
  const [answer, primary] = await Promise.all([answered, primaryAt]);
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
    ...(primary ? { primaryMs: ms(sentAt, primary) } : {}),
    gapMs: gap,
  };
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null || b === 0 ? null : Number((a / b).toFixed(2));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "decree-bench-propagation-"));
  let decree: Decree | undefined;
  let authority: Awaited<ReturnType<typeof startLocalAuthority>> | undefined;
  const clients: UdpClient[] = [];
  const loadBefore = readFileSync("/proc/loadavg", "utf8").trim();
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
    const token = await authorityToken(dataDir);
    let started = performance.now();
    const zoneFile = join(dir, "rpz.zone");
    await writeZoneFile(dataDir, policy, registry.serial, zoneFile);
    const zoneFileSeconds = since(started);
    authority = await startLocalAuthority();

    started = performance.now();
    decree = await startDecree(dataDir, dir, token);
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
      primaryPort: decree.dnsPort,
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
    const primaryProbe = new UdpClient();
    const updates = new UdpClient();
    clients.push(probe, primaryProbe, updates);
    const decreeSamples: DecreeSample[] = [];
    const bindSamples: BindSample[] = [];
    let decreeTimeouts = 0;
    let bindTimeouts = 0;
    const loopStarted = performance.now();
    const randomGap = () => Math.floor(Math.random() * (maxGapMs + 1));
    for (const target of registry.pending) {
      if (performance.now() - loopStarted > maxSeconds * 1000) break;
      // Which goes first is drawn each time, so neither always follows the other's load.
      const order = Math.random() < 0.5 ? (["decree", "bind"] as const) : (["bind", "decree"] as const);
      for (const engine of order) {
        const gap = randomGap();
        await sleep(gap);
        if (engine === "decree") {
          const sample = await measureDecree(decree, probe, primaryProbe, unboundDecreePort, target, gap);
          if (sample) decreeSamples.push(sample);
          else decreeTimeouts++;
        } else {
          const sample = await measureBind(
            updates,
            probe,
            primaryProbe,
            bindPort,
            unboundBindPort,
            target.value,
            gap,
          );
          if (sample) bindSamples.push(sample);
          else bindTimeouts++;
        }
      }
    }
    const loadAfter = readFileSync("/proc/loadavg", "utf8").trim();
    const metrics = await decreeMetrics(decree).catch(() => undefined);
    const decreeSummary = summary(decreeSamples.map((s) => s.blockedMs));
    const bindFromUpdate = summary(
      bindSamples.map((s) => s.fromUpdateMs),
      "fromUpdate",
    );
    const result = {
      bench: "propagation",
      entries: registry.entries,
      records: registry.records,
      changes: registry.pending.length,
      // The upper bound of the random gaps before each change (the old fixed gap's field).
      gapMs: maxGapMs,
      gaps: `uniform random 0-${maxGapMs} ms before each change`,
      includes: {
        decree:
          "POST /targets/decisions over HTTP to `decree serve` (auth, approval policy, transaction), release window and build, NOTIFY, IXFR, Unbound reload: from the request sent to NXDOMAIN at Unbound",
        bind: "RFC 2136 UPDATE (TSIG) to BIND 9, NOTIFY, IXFR, Unbound reload: from the update sent to NXDOMAIN at Unbound",
      },
      decree: {
        ...decreeSummary,
        samples: decreeSamples.length,
        timeouts: decreeTimeouts,
        fromDecisionStartP50Ms: decreeSummary.p50Ms,
        ...summary(
          decreeSamples.map((s) => s.fromAnswerMs),
          "fromAnswer",
        ),
        httpP50Ms: p50(decreeSamples.map((s) => s.httpMs)),
        // Where the time goes, each from the request sent: the HTTP answer, the primary serving the new serial,
        // NXDOMAIN at Unbound.
        stagesP50Ms: stages(decreeSamples, 50),
        stagesP95Ms: stages(decreeSamples, 95),
        transferKinds: metrics ? Object.keys(metrics.transfers) : [],
        transfers: metrics?.transfers,
        releaseBuilds: metrics?.releaseBuilds,
        releaseBuildMeanMs: metrics?.releaseBuildMeanMs,
        releaseWindowMs: windowMs ?? config.releaseWindowMs,
        clockIntervalMs: 1000,
        childErrors: [],
      },
      bind: {
        ...bindFromUpdate,
        ...summary(
          bindSamples.map((s) => s.fromAnswerMs),
          "fromCommit",
        ),
        updateRttP50Ms: p50(bindSamples.map((s) => s.updateRttMs)),
        primaryP50Ms: p50(bindSamples.flatMap((s) => (s.primaryMs === undefined ? [] : [s.primaryMs]))),
        primaryP95Ms: percentile(
          bindSamples.flatMap((s) => (s.primaryMs === undefined ? [] : [s.primaryMs])).sort((a, b) => a - b),
          95,
        ),
        samples: bindSamples.length,
        timeouts: bindTimeouts,
      },
      ratios: {
        p50: ratio(decreeSummary.p50Ms, bindFromUpdate.fromUpdateP50Ms),
        p95: ratio(decreeSummary.p95Ms, bindFromUpdate.fromUpdateP95Ms),
      },
      target: { decreeP50Ms: 50, p50RatioMax: 1.0, p95RatioMax: 2.0 },
      met: {
        p50: (ratio(decreeSummary.p50Ms, bindFromUpdate.fromUpdateP50Ms) ?? Infinity) <= 1.0,
        p95: (ratio(decreeSummary.p95Ms, bindFromUpdate.fromUpdateP95Ms) ?? Infinity) <= 2.0,
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
        decree: rssMb(decree.child.pid!),
        bind: rssMb(bind.child.pid!),
        unboundFromDecree: rssMb(unboundDecree.child.pid!),
        unboundFromBind: rssMb(unboundBind.child.pid!),
      },
      loadavg: { before: loadBefore, after: loadAfter },
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
    if (decree) await stopDecree(decree);
    await stopAll();
    if (values.keep) process.stderr.write(`bench: files and logs kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();

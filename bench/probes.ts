/**
 * bench/probes: the probe engine's throughput against one local Unbound (1 thread, an RPZ zone of blocked names,
 * the other names resolved through a stub authority on loopback and cached by a warm-up pass), side by side with
 * dnsperf asking the same Unbound the same names in the same run, with the same number of questions in flight.
 *
 * - `decree`: `concurrency` lanes each calling DnsProber.ask then classifyAnswer for `seconds`: the engine's
 *   whole path per question (ID, encode, send, match by ID, question and source, decode, retries), and a
 *   verdict counted for each. A question without an answer after its retries is lost, never a verdict.
 * - `sweep`: the sweep's ask-and-judge path over every name once (askResolvers, judgeMeasurements): the same
 *   engine behind the sweep's own concurrency limit, without storing the run (SQLite's work, not the engine's).
 * - `dnsperf`: the same names for `seconds`, `-q concurrency`, one socket and thread.
 *
 * Rounds alternate dnsperf, decree, sweep at random gaps; figures are the medians of the rounds, counts their
 * sums. The stub authority's answers last an hour, and it counts the questions it gets during the rounds: none
 * means both clients measured Unbound's cache alone. Prints one JSON line.
 * Usage: node --import tsx bench/probes.ts [--names 20000] [--seconds 3] [--rounds 5] [--concurrency 64]
 *   [--threads N] [--sockets N]
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs, promisify } from "node:util";
import { askResolvers } from "../src/verify/probes/ask-resolvers.ts";
import { classifyAnswer, type Verdict } from "../src/verify/probes/classify-answer.ts";
import { DnsProber } from "../src/verify/probes/dns-prober.ts";
import { judgeMeasurements } from "../src/verify/probes/judge-measurements.ts";
import type { ProbeItem } from "../src/verify/probes/probe-plan.ts";
import type { ResolverEndpoint } from "../src/verify/probes/resolver-endpoint.ts";
import { freePort } from "../test/support/free-port.ts";
import { startServer, stopAll, waitFor } from "../test/support/processes.ts";
import { startUpstream } from "../test/support/upstream.ts";

const { values } = parseArgs({
  options: {
    names: { type: "string", default: "20000" },
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "64" },
    // The prober's UDP threads; when not given, the built program's default (2 on a machine with more than one
    // CPU), which a prober run from the sources does not take by itself.
    threads: { type: "string" },
    // UDP sockets per resolver, spread over the threads; the prober's default when not given.
    sockets: { type: "string" },
  },
});
const count = Number(values.names);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const domain = "bench-probes.com";
const zone = "rpz.bench";
const names = Array.from({ length: count }, (_, i) => `${i % 2 === 0 ? "blocked" : "normal"}-${i}.${domain}`);
const blocked = new Set(names.filter((name) => name.startsWith("blocked-")));

const dir = mkdtempSync(join(tmpdir(), "decree-bench-probes-"));
// An hour's TTL: no cached answer expires during the run, so that no round waits on the stub authority.
const upstream = await startUpstream([domain], "127.0.0.1", { ttl: 3600 });
const runExecFile = promisify(execFile);
const loadBefore = loadavg()[0];
const port = await freePort();
try {
  writeFileSync(
    join(dir, "rpz.zone"),
    [
      `$ORIGIN ${zone}.`,
      "@ 60 IN SOA localhost. hostmaster.rpz.bench. 1 300 60 2592000 60",
      "@ 60 IN NS localhost.",
      ...[...blocked].map((name) => `${name} 60 IN CNAME .`),
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "unbound.conf"),
    `server:
    interface: 127.0.0.1
    port: ${port}
    do-ip6: no
    username: ""
    chroot: ""
    directory: "${dir}"
    pidfile: "${join(dir, "unbound.pid")}"
    use-syslog: no
    logfile: ""
    verbosity: 0
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    module-config: "respip validator iterator"
    do-not-query-localhost: no
    qname-minimisation: no
    msg-cache-size: 64m
    rrset-cache-size: 128m
stub-zone:
    name: "${domain}."
    stub-addr: 127.0.0.1@${upstream.port}
rpz:
    name: "${zone}."
    zonefile: "${join(dir, "rpz.zone")}"
remote-control:
    control-enable: no
`,
  );
  const unbound = startServer(
    "Unbound",
    "/usr/sbin/unbound",
    ["-d", "-c", join(dir, "unbound.conf")],
    join(dir, "unbound.log"),
  );
  const resolver: ResolverEndpoint = { host: "127.0.0.1", port, transport: "udp" };
  const prober = new DnsProber({
    timeoutMs: 2000,
    retries: 2,
    ...(values.sockets === undefined ? {} : { udpSockets: Number(values.sockets) }),
    udpThreads: values.threads === undefined ? (availableParallelism() > 1 ? 2 : 0) : Number(values.threads),
  });
  await waitFor(
    "Unbound blocking the zone's names",
    async () =>
      (await prober.ask(resolver, names[0]!, "A")).answer?.rcode === "NXDOMAIN" ? true : undefined,
    { timeoutMs: 10_000, everyMs: 100, process: unbound.child, log: unbound.tail },
  );
  // Warm-up: the normal names reach Unbound's cache, so that both clients measure the same cached answers; a
  // name the pass lost (or got SERVFAIL for) is asked again until every one has its answer.
  let missing = [...names];
  for (let pass = 0; missing.length > 0 && pass < 5; pass++) missing = await warm(missing);
  if (missing.length > 0) throw new Error(`${missing.length} names still unanswered after the warm-up`);

  const queryFile = join(dir, "queries.txt");
  writeFileSync(queryFile, `${names.map((name) => `${name} A`).join("\n")}\n`);
  const items: ProbeItem[] = names.map((name) => ({
    name,
    qtype: "A",
    expectation: blocked.has(name) ? "blocked" : "lifted",
    targetId: null,
  }));
  // Rounds alternate between the clients at random gaps, so that a change in the machine's load during the run
  // weighs on all alike; the figures are the medians of the rounds, the counts their sums.
  const dnsperfRounds: Awaited<ReturnType<typeof runDnsperf>>[] = [];
  const decreeRounds: Awaited<ReturnType<typeof timed>>[] = [];
  const sweepRounds: Awaited<ReturnType<typeof sweepOnce>>[] = [];
  const upstreamBefore = upstreamQuestions();
  for (let round = 0; round < rounds; round++) {
    await sleep(50 + Math.random() * 250);
    dnsperfRounds.push(await runDnsperf(queryFile));
    await sleep(50 + Math.random() * 250);
    decreeRounds.push(await timed());
    await sleep(50 + Math.random() * 250);
    sweepRounds.push(await sweepOnce());
  }
  const upstreamDuringRounds = upstreamQuestions() - upstreamBefore;
  prober.close();
  const decree = {
    qps: median(decreeRounds.map((r) => r.qps)),
    queries: sum(decreeRounds.map((r) => r.queries)),
    answered: sum(decreeRounds.map((r) => r.answered)),
    lost: sum(decreeRounds.map((r) => r.lost)),
    retried: sum(decreeRounds.map((r) => r.retried)),
    verdicts: {
      enforced: sum(decreeRounds.map((r) => r.verdicts.enforced)),
      "not-enforced": sum(decreeRounds.map((r) => r.verdicts["not-enforced"])),
      "over-blocked": sum(decreeRounds.map((r) => r.verdicts["over-blocked"])),
      error: sum(decreeRounds.map((r) => r.verdicts.error)),
    },
    wrongVerdicts: sum(decreeRounds.map((r) => r.wrongVerdicts)),
    rounds: decreeRounds.map((r) => r.qps),
    queriesPerCpuSecond: Math.round(
      sum(decreeRounds.map((r) => r.answered)) / sum(decreeRounds.map((r) => r.cpuSeconds)),
    ),
  };
  const sweep = {
    qps: median(sweepRounds.map((r) => r.qps)),
    queries: sum(sweepRounds.map((r) => r.queries)),
    answered: sum(sweepRounds.map((r) => r.answered)),
    wrongVerdicts: sum(sweepRounds.map((r) => r.wrongVerdicts)),
    rounds: sweepRounds.map((r) => r.qps),
    queriesPerCpuSecond: Math.round(
      sum(sweepRounds.map((r) => r.answered)) / sum(sweepRounds.map((r) => r.cpuSeconds)),
    ),
  };
  const dnsperf = {
    qps: median(dnsperfRounds.map((r) => r.qps)),
    sent: sum(dnsperfRounds.map((r) => r.sent)),
    completed: sum(dnsperfRounds.map((r) => r.completed)),
    lost: sum(dnsperfRounds.map((r) => r.lost)),
    rounds: dnsperfRounds.map((r) => r.qps),
    queriesPerCpuSecond: Math.round(
      sum(dnsperfRounds.map((r) => r.completed)) / sum(dnsperfRounds.map((r) => r.cpuSeconds)),
    ),
  };
  await unbound.stop();
  process.stdout.write(
    `${JSON.stringify({
      bench: "probes",
      names: count,
      seconds,
      rounds,
      concurrency,
      threads: values.threads === undefined ? "default" : Number(values.threads),
      sockets: values.sockets === undefined ? "default" : Number(values.sockets),
      includes: {
        decree: "DnsProber.ask + classifyAnswer per question, concurrency lanes for seconds",
        sweep: "askResolvers + judgeMeasurements over every name once, run not stored",
        dnsperf: "dnsperf -q concurrency -c 1 -T 1 for seconds",
      },
      decree,
      sweep,
      dnsperf,
      ratio: Math.round((decree.qps / dnsperf.qps) * 1000) / 1000,
      sweepRatio: Math.round((sweep.qps / dnsperf.qps) * 1000) / 1000,
      // Questions Unbound had to ask the stub authority during the rounds: 0 means both measured its cache.
      upstreamDuringRounds,
      // Two CPUs shared with Unbound and whatever else runs: the load says how contended the run was.
      loadAverage: loadavg()[0],
      loadAverageBefore: loadBefore,
    })}\n`,
  );

  /** Asks every name once; returns those without the answer the zone gives them. */
  async function warm(list: string[]): Promise<string[]> {
    const unanswered: string[] = [];
    let next = 0;
    const lanes = Array.from({ length: concurrency }, async () => {
      while (next < list.length) {
        const name = list[next++]!;
        const outcome = await askOne(name);
        const right = blocked.has(name) ? "enforced" : "not-enforced";
        if (outcome.verdict !== right || outcome.answer?.rcode === "SERVFAIL") unanswered.push(name);
      }
    });
    await Promise.all(lanes);
    return unanswered;
  }

  /** One pass of the sweep's ask-and-judge path over every name. */
  async function sweepOnce() {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const asked = await askResolvers([resolver], items, { prober, concurrency });
    const judged = judgeMeasurements(asked, new Map(), []);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const answered = judged.filter((question) => question.outcome.answer).length;
    const wrong = judged.filter(
      (question) =>
        question.classification.verdict !==
        (question.item.expectation === "blocked" ? "enforced" : "not-enforced"),
    ).length;
    return {
      qps: Math.round(answered / elapsed),
      queries: judged.length,
      answered,
      wrongVerdicts: wrong,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  }

  function upstreamQuestions(): number {
    let total = 0;
    for (const times of upstream.asked.values()) total += times;
    return total;
  }

  async function timed() {
    const verdicts: Record<Verdict, number> = { enforced: 0, "not-enforced": 0, "over-blocked": 0, error: 0 };
    let asked = 0;
    let lost = 0;
    let retried = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const lanes = Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const name = names[asked++ % names.length]!;
        const outcome = await askOne(name);
        if (!outcome.answer) lost++;
        if (outcome.attempts > 1) retried++;
        verdicts[outcome.verdict]++;
      }
    });
    await Promise.all(lanes);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const answered = asked - lost;
    return {
      qps: Math.round(answered / elapsed),
      queries: asked,
      answered,
      lost,
      retried,
      verdicts,
      // Every verdict must come from an answer that is what the zone says: no lost query counted as a verdict.
      wrongVerdicts: verdicts["over-blocked"] + verdicts.error,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  }

  async function askOne(name: string) {
    const outcome = await prober.ask(resolver, name, "A");
    const expectation = blocked.has(name) ? "blocked" : "control";
    const { verdict } = classifyAnswer({ expectation, outcome, reference: undefined, stopPage: [] });
    return { ...outcome, verdict };
  }
} finally {
  await stopAll();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
}

async function runDnsperf(queryFile: string) {
  const args = ["-s", "127.0.0.1", "-p", String(port), "-d", queryFile, "-l", String(seconds)];
  args.push("-q", String(concurrency), "-c", "1", "-T", "1");
  // bash's `times` reports the CPU time of its children: dnsperf's, to compare work per query and not only speed.
  // Not execFileSync: the stub authority runs in this process and must still answer while dnsperf runs.
  const { stdout: text } = await runExecFile("bash", ["-c", `dnsperf ${args.join(" ")}; times`], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const figure = (label: string) =>
    Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(text)?.[1] ?? Number.NaN);
  const children = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(text.trim());
  const cpuSeconds = children
    ? Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4])
    : Number.NaN;
  const completed = figure("Queries completed");
  return {
    qps: Math.round(figure("Queries per second")),
    sent: figure("Queries sent"),
    completed,
    lost: figure("Queries lost"),
    cpuSeconds,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

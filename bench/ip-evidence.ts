/**
 * bench/ip-evidence: what an address serves, at scale. A generated Rapid7-FDNS file of N observations (10M by
 * default) is loaded the way an authority does it, `decree data load-passive-dns FILE` as its own process,
 * with that process's peak resident memory (VmHWM) read from /proc while it runs. Then the evidence checks
 * (address-operator: ASN and class; co-hosting: passive DNS and snapshots) run on 100,000 IP targets of one
 * submission, stored first as a submission does, in batches of 10,000 taken in random order; side by side in
 * the same run, the peer: the checks decree ran on addresses before (order scope to duplicates, no DNS
 * snapshot) on the same batches. Half the targets are addresses the file holds, the shared host first.
 * Prints one JSON line. Usage (any run this size: flock /tmp/bench.lock …):
 *   node --import tsx bench/ip-evidence.ts [--observations 10000000] [--targets 100000] [--engine sqlite|postgres]
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { checks, runChecks } from "../src/checks/index.ts";
import { addTargets, type TargetRequest } from "../src/intake/add-targets.ts";
import { findOrder } from "../src/intake/find-order.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { inTransaction } from "../src/store/in-transaction.ts";
import { openStore } from "../src/store/open-store.ts";
import { createTestDatabase } from "../test/support/postgres.ts";
import { sampleOrder } from "../test/support/sample-order.ts";
import { suffixes, words } from "./support/name-parts.ts";

const { values } = parseArgs({
  options: {
    observations: { type: "string", default: "10000000" },
    targets: { type: "string", default: "100000" },
    engine: { type: "string", default: "sqlite" },
  },
});
const observations = Number(values.observations);
const targetCount = Number(values.targets);
const engine = values.engine === "postgres" ? "postgres" : "sqlite";
const batchSize = 10_000;

// mulberry32: a fixed seed, so every run generates the same file and targets.
let seed = 11;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (t ^ (t >>> 14)) >>> 0;
}

/** Addresses the file's names live on: one per 10 observations, spread over networks of every kind. */
const poolSize = Math.max(1000, Math.floor(observations / 10));
function poolAddress(index: number): string {
  const first = [88, 62, 5, 51, 104, 45, 185, 213, 91, 37][index % 10]!;
  const rest = Math.floor(index / 10) + 1;
  return `${first}.${(rest >> 16) & 255}.${(rest >> 8) & 255}.${rest & 255}`;
}
const sharedHost = poolAddress(3);

/** A name of one of N/5 sites; the shared host gets one site in 10,000 lines, so some thousand in all. */
async function writeFdns(path: string): Promise<void> {
  const out = createWriteStream(path);
  const sites = Math.max(100, Math.floor(observations / 5));
  let chunk = "";
  for (let i = 0; i < observations; i++) {
    const site = random() % sites;
    const name = `${random() % 4 === 0 ? "www." : ""}${words[site % words.length]}${site}.${suffixes[site % suffixes.length]}`;
    const address = i % 10_000 === 0 ? sharedHost : poolAddress(random() % poolSize);
    chunk += `{"timestamp":"1764547200","name":"${name}","type":"a","value":"${address}"}\n`;
    if (i % 200 === 199)
      chunk += `{"timestamp":"1764547200","name":"x${name}","type":"cname","value":"${name}"}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((done) => out.once("drain", () => done()));
      chunk = "";
    }
  }
  out.write(chunk);
  await new Promise<void>((done) => out.end(() => done()));
}

/** Runs the CLI as a user does, and reads its peak resident memory from /proc while it lives. */
async function loadWithCli(dataDir: string, databaseUrl: string | undefined, file: string) {
  const store = databaseUrl ? ["--database-url", databaseUrl] : ["--data", dataDir];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["bin/decree.js", ...store, "--json", "data", "load-passive-dns", file],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data) => {
    stdout += data;
  });
  child.stderr.on("data", (data) => {
    stderr += data;
  });
  let peakKb = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // gone already
    }
  }, 100);
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`load-passive-dns failed (${code}): ${stderr}`);
  return {
    seconds: (performance.now() - started) / 1000,
    peakRssMb: Math.round(peakKb / 1024),
    result: JSON.parse(stdout),
  };
}

function addressTargets(n: number): TargetRequest[] {
  const requests: TargetRequest[] = [];
  for (let i = 0; i < n; i++) {
    let input: string;
    // Distinct addresses of the pool (a stride prime to its size), the shared host among them.
    if (i % 2 === 0) input = poolAddress((3 + (i / 2) * 7919) % poolSize);
    else
      input = `${[88, 62, 5, 51, 104, 45, 185, 213, 91, 37][i % 10]}.${200 + (i % 50)}.${(i >> 8) & 255}.${i & 255 || 1}`;
    requests.push({ input, line: i + 1 });
  }
  return requests;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const dir = mkdtempSync(join(tmpdir(), "decree-bench-ip-evidence-"));
const database = engine === "postgres" ? await createTestDatabase() : undefined;
const loadBefore = loadavg()[0]!;
try {
  const file = join(dir, "fdns.json");
  const generateStarted = performance.now();
  await writeFdns(file);
  const generateSeconds = (performance.now() - generateStarted) / 1000;
  // The store is created by the CLI child, as a first command would.
  const loaded = await loadWithCli(join(dir, "data"), database?.url, file);
  const store = await openStore(database ? { databaseUrl: database.url } : { dataDir: join(dir, "data") });
  try {
    const now = new Date("2026-06-01T00:00:00Z");
    const { order: recorded } = await recordOrder(
      store,
      sampleOrder({ measures: ["dns-block", "ip-block"] }),
      {
        actor: "bench",
        now,
      },
    );
    const order = await findOrder(store.db, recorded.id);
    const { added } = await inTransaction(store.db, async (trx) =>
      addTargets(trx, order, addressTargets(targetCount), { actor: "bench", now }),
    );
    const context = { order, db: store.db, now };
    const evidence = checks.filter((c) => c.name === "address-operator" || c.name === "co-hosting");
    const before = checks.filter(
      (c) => !["address-operator", "co-hosting", "public-resolvers", "dns-snapshot"].includes(c.name),
    );
    // The ASN table is parsed once per process, on first use: timed on its own, then kept.
    const tableStarted = performance.now();
    await runChecks(added.slice(0, 1), context, { list: evidence });
    const tableSeconds = (performance.now() - tableStarted) / 1000;
    const batches: number[] = [];
    for (let start = 0; start < added.length; start += batchSize) batches.push(start);
    const rates = { evidence: [] as number[], before: [] as number[] };
    const counts = { block: 0, review: 0, info: 0, coHostedHeld: 0 };
    let evidenceSeconds = 0;
    for (const start of batches.sort(() => (random() % 2 ? 1 : -1))) {
      const batch = added.slice(start, start + batchSize);
      // The two lists alternate which goes first, at a random gap, so neither always meets a warm cache.
      const order2 =
        random() % 2 === 0 ? (["evidence", "before"] as const) : (["before", "evidence"] as const);
      for (const which of order2) {
        await new Promise((done) => setTimeout(done, random() % 50));
        const started = performance.now();
        const found = await runChecks(batch, context, { list: which === "evidence" ? evidence : before });
        const seconds = (performance.now() - started) / 1000;
        rates[which].push(batch.length / seconds);
        if (which === "evidence") {
          evidenceSeconds += seconds;
          for (const findings of found) {
            for (const f of findings) counts[f.severity]++;
            if (findings.some((f) => f.code === "TARGET_CO_HOSTED")) counts.coHostedHeld++;
          }
        }
      }
    }
    const shared = (await runChecks([added[0]!], context, { list: evidence }))[0]!.find(
      (f) => f.code === "TARGET_CO_HOSTED",
    );
    console.log(
      JSON.stringify({
        bench: "ip-evidence",
        engine,
        observations,
        fileMb: Math.round(statSync(file).size / 1e6),
        generateSeconds: Number(generateSeconds.toFixed(1)),
        load: {
          includes:
            "decree data load-passive-dns FILE as a child process: start, stream, parse, index, commit",
          seconds: Number(loaded.seconds.toFixed(1)),
          observationsPerSecond: Math.round(observations / loaded.seconds),
          peakRssMb: loaded.peakRssMb,
          pairs: loaded.result.pairs,
          skipped: loaded.result.skipped,
        },
        targets: added.length,
        batchSize,
        asnTableParseSeconds: Number(tableSeconds.toFixed(2)),
        evidence: {
          includes: "runChecks with address-operator and co-hosting, per batch of 10,000 stored targets",
          medianTargetsPerSecond: Math.round(median(rates.evidence)),
          totalSeconds: Number(evidenceSeconds.toFixed(2)),
          ...counts,
        },
        peer: {
          includes:
            "runChecks with the checks before this change (order scope to duplicates, no DNS snapshot)",
          medianTargetsPerSecond: Math.round(median(rates.before)),
        },
        evidenceToPeerRatio: Number((median(rates.before) / median(rates.evidence)).toFixed(2)),
        sharedHost: { address: sharedHost, severity: shared?.severity, sites: shared?.evidence.sites },
        loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
      }),
    );
  } finally {
    await store.close();
  }
} finally {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}

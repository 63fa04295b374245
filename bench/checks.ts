/**
 * bench/checks: the safeguard checks on 100,000 targets of one bulk submission, every static check on (order
 * scope, public suffix and scope, protected names, shared infrastructure, duplicates and conflicts; the DNS
 * snapshot is not in this run). Targets are stored first, as a submission does; then timed: the checks alone
 * (runChecks), and the checks with their findings written (recordFindings), in one transaction.
 * Prints one JSON line. Usage: node --import tsx bench/checks.ts [--targets 100000] [--engine sqlite|postgres]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runChecks } from "../src/checks/index.ts";
import { recordFindings } from "../src/checks/record-findings.ts";
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
    targets: { type: "string", default: "100000" },
    engine: { type: "string", default: "sqlite" },
  },
});
const count = Number(values.targets);
const engine = values.engine === "postgres" ? "postgres" : "sqlite";

/** Mostly names shaped like a blocklist; one in 20 an address; one in 1,000 a protected name or a CDN address. */
function generateRequests(n: number): TargetRequest[] {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const requests: TargetRequest[] = [];
  for (let i = 0; i < n; i++) {
    let input: string;
    if (i % 1000 === 0) input = `cdn${i}.googlevideo.com`;
    else if (i % 1000 === 1)
      input = `188.114.${96 + (Math.floor(i / 1000) % 16)}.${Math.floor(i / 16_000) + 1}`;
    else if (i % 20 === 2) input = `${45 + (i % 50)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 2}`;
    else {
      const base = `${words[next() % words.length]}${words[next() % words.length]}${i}`;
      input = `${next() % 3 === 0 ? "*." : ""}${base}.${suffixes[next() % suffixes.length]}`;
    }
    requests.push({ input, line: i + 1 });
  }
  return requests;
}

const dir = mkdtempSync(join(tmpdir(), "decree-bench-checks-"));
const database = engine === "postgres" ? await createTestDatabase() : undefined;
const store = await openStore(database ? { databaseUrl: database.url } : { dataDir: dir });
try {
  const now = new Date("2026-06-01T00:00:00Z");
  const { order: recorded } = await recordOrder(store, sampleOrder({ measures: ["dns-block", "ip-block"] }), {
    actor: "bench",
    now,
  });
  const order = await findOrder(store.db, recorded.id);
  const { added } = await inTransaction(store.db, async (trx) =>
    addTargets(trx, order, generateRequests(count), { actor: "bench", now }),
  );
  const context = { order, db: store.db, now };
  const checksStarted = performance.now();
  const findings = await runChecks(added, context);
  const checksSeconds = (performance.now() - checksStarted) / 1000;
  const recordStarted = performance.now();
  const recorded2 = await inTransaction(store.db, (trx) => recordFindings(trx, order, added, { now }));
  const recordSeconds = (performance.now() - recordStarted) / 1000;
  console.log(
    JSON.stringify({
      bench: "checks",
      engine,
      targets: added.length,
      checks: [
        "order-scope",
        "public-suffix-scope",
        "protected-names",
        "shared-infrastructure",
        "duplicates-conflicts",
      ],
      dnsSnapshot: false,
      findings: findings.reduce((n, f) => n + f.length, 0),
      block: recorded2.counts.block,
      review: recorded2.counts.review,
      info: recorded2.counts.info,
      checksSeconds: Number(checksSeconds.toFixed(3)),
      checksTargetsPerSecond: Math.round(added.length / checksSeconds),
      withStoredFindingsSeconds: Number(recordSeconds.toFixed(3)),
      withStoredFindingsTargetsPerSecond: Math.round(added.length / recordSeconds),
      targetPerSecond: 10_000,
    }),
  );
} finally {
  await store.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}

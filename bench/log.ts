/**
 * bench/log: the public log. Three figures, one JSON line:
 * - appends: 1,000,000 registry events (one order, a million target activations) sequenced into the log:
 *   leaves built from the events, hashed, written with their tiles; events per second.
 * - proofs: a tree of 10,000,000 leaf hashes held as tiles in the store; inclusion and consistency proofs
 *   read from it, median and 99th percentile over random indices and sizes. Side by side, the peer: Sigstore's
 *   RFC 6962 verifier (@sigstore/verify) checking the same inclusion proofs, and our RFC 9162 checks.
 * - verify feed: `decree verify feed`'s work on a 1,000,000-entry JSON feed against the log over HTTP on
 *   loopback (the registry serves in this same process, so both share the CPU).
 * Usage: node --import tsx bench/log.ts [--events 1000000] [--leaves 10000000] [--engine sqlite|postgres]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildApp } from "../src/http/build-app.ts";
import { publishCheckpoint } from "../src/publish/publish-checkpoint.ts";
import { jsonRenderer } from "../src/publish/renderers/json-renderer.ts";
import { registrySigningKey } from "../src/publish/signing-key.ts";
import { appendLeafHashes } from "../src/registry/log/append-leaf-hashes.ts";
import { consistencyBetween, inclusionAt, rootAt } from "../src/registry/log/log-proofs.ts";
import { hashLeaf } from "../src/registry/log/merkle-hash.ts";
import { verifyConsistency, verifyInclusion } from "../src/registry/log/verify-proofs.ts";
import { appendEvents } from "../src/store/append-events.ts";
import type { Store } from "../src/store/database.ts";
import { inTransaction } from "../src/store/in-transaction.ts";
import { insertMany } from "../src/store/insert-many.ts";
import { openStore } from "../src/store/open-store.ts";
import { LogClient } from "../src/verify/log/log-client.ts";
import { parseJsonFeed, verifyFeed } from "../src/verify/log/verify-feed.ts";
import { createTestDatabase } from "../test/support/postgres.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    leaves: { type: "string", default: "10000000" },
    samples: { type: "string", default: "200" },
    engine: { type: "string", default: "sqlite" },
  },
});
const eventCount = Number(values.events);
const leafCount = Number(values.leaves);
const samples = Number(values.samples);
const engine = values.engine === "postgres" ? "postgres" : "sqlite";
const at = "2026-06-01T12:00:00.000Z";
const origin = "bench.registry/log";

const require = createRequire(import.meta.url);
const sigstore = require("@sigstore/verify/dist/timestamp/merkle.js") as {
  verifyMerkleInclusion(entry: unknown): void;
};

async function open(name: string): Promise<{ store: Store; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `decree-bench-log-${name}-`));
  const database = engine === "postgres" ? await createTestDatabase() : undefined;
  const store = await openStore(database ? { databaseUrl: database.url } : { dataDir: dir });
  return {
    store,
    async dispose() {
      await store.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One order (dns-block) and `n` active fqdn targets, each with the event that made it active. */
async function seedRegistry(store: Store, n: number): Promise<void> {
  await inTransaction(store.db, async (trx) => {
    await trx
      .insertInto("orders")
      .values({
        id: 1,
        kind: "court-decision",
        authority: "Bench court",
        jurisdiction: "fr",
        case_number: "RG 1",
        decision_date: "2026-01-01",
        applicants: "[]",
        addressees: "[]",
        measures: '["dns-block"]',
        deadline: "P15D",
        deadline_seconds: 1_296_000,
        valid_from: "2026-01-01",
        valid_until: "2027-01-01",
        extends_to_mirrors: 0,
        legal_basis: null,
        document_url: null,
        document_sha256: null,
        summary: null,
        recorded_at: at,
        recorded_by: "user:1",
      })
      .execute();
    await appendEvents(trx, [
      { at, actor: "user:1", subject_type: "order", subject_id: 1, action: "order.recorded", data: {} },
    ]);
    const columns = [
      "id",
      "order_id",
      "kind",
      "value",
      "input",
      "display",
      "state",
      "valid_from",
      "valid_until",
      "origin",
      "created_at",
      "updated_at",
    ];
    await insertMany(trx, "targets", columns, n, (row, out, i) => {
      const value = `site${row + 1}.example`;
      out.splice(
        i,
        12,
        row + 1,
        1,
        "fqdn",
        value,
        value,
        value,
        "active",
        "2026-01-01",
        "2027-01-01",
        "order",
        at,
        at,
      );
    });
    const data = JSON.stringify({});
    for (let start = 0; start < n; start += 50_000) {
      const count = Math.min(50_000, n - start);
      await appendEvents(
        trx,
        Array.from({ length: count }, (_, i) => ({
          at,
          actor: "user:2",
          subject_type: "target",
          subject_id: start + i + 1,
          action: "target.approved",
          from_state: "proposed",
          to_state: "active",
          reason: "ordered",
          data,
        })),
      );
    }
    await trx
      .insertInto("releases")
      .values({
        id: 1,
        serial: 1,
        created_at: at,
        last_event_id: n + 1,
        record_count: n,
        added: n,
        removed: 0,
      })
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: "system:publisher",
        subject_type: "release",
        subject_id: 1,
        action: "release.published",
        data: { serial: 1 },
      },
    ]);
  });
}

function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!.toFixed(3));
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

/** Wall time and this process's CPU time: on a shared machine the second says what the work itself costs. */
async function timeWithCpu<T>(work: () => Promise<T>): Promise<[T, number, number]> {
  const cpu = process.cpuUsage();
  const [result, ms] = await time(work);
  const used = process.cpuUsage(cpu);
  return [result, ms, (used.user + used.system) / 1000];
}

const result: Record<string, unknown> = {
  bench: "log",
  engine,
  events: eventCount,
  leaves: leafCount,
  cpus: cpus().length,
  loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
};

// 1. Appends, then 3. verify feed on the same registry.
const registry = await open("appends");
try {
  await seedRegistry(registry.store, eventCount);
  await registrySigningKey(registry.store.db);
  const [checkpoint, appendMs, appendCpuMs] = await timeWithCpu(() =>
    publishCheckpoint(registry.store.db, registry.store.dialect, { origin, releaseId: 1, now: new Date(at) }),
  );
  result.appends = {
    leaves: checkpoint.size,
    ms: Math.round(appendMs),
    perSecond: Math.round((checkpoint.size / appendMs) * 1000),
    cpuMs: Math.round(appendCpuMs),
    perCpuSecond: Math.round((checkpoint.size / appendCpuMs) * 1000),
  };

  let feed = "";
  const pages = (async function* () {
    for (let start = 0; start < eventCount; start += 10_000) {
      yield Array.from({ length: Math.min(10_000, eventCount - start) }, (_, i) => ({
        kind: "fqdn" as const,
        value: `site${start + i + 1}.example`,
        action: "nxdomain" as const,
      }));
    }
  })();
  for await (const chunk of jsonRenderer.render(pages, {
    zone: "rpz.decree",
    serial: 1,
    checkpoint: { size: checkpoint.size, rootHash: checkpoint.rootHash },
  }))
    feed += chunk;
  const app = await buildApp({ store: registry.store, dataDir: join(tmpdir(), "decree-bench-log-feeds") });
  await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const { port } = app.server.address() as { port: number };
    const [report, verifyMs, verifyCpuMs] = await timeWithCpu(() =>
      verifyFeed(parseJsonFeed(feed), new LogClient(`http://127.0.0.1:${port}`)),
    );
    result.verifyFeed = {
      entries: eventCount,
      ok: report.ok,
      problems: report.problems.length,
      ms: Math.round(verifyMs),
      cpuMsServerAndClient: Math.round(verifyCpuMs),
    };
  } finally {
    await app.close();
  }
} finally {
  await registry.dispose();
}

// 2. Proofs at ten million leaves.
const big = await open("proofs");
try {
  const { db } = big.store;
  const [, buildMs] = await time(async () => {
    let size = 0;
    for (let start = 0; start < leafCount; start += 500_000) {
      const hashes = Array.from({ length: Math.min(500_000, leafCount - start) }, (_, i) =>
        hashLeaf(Buffer.from(`leaf ${start + i}`)),
      );
      size = await inTransaction(db, (trx) => appendLeafHashes(trx, size, hashes));
    }
    await db.insertInto("log_state").values({ id: 1, size, last_event_id: 0 }).execute();
  });
  let seed = 11;
  const random = (below: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % below;
  };
  const root = await rootAt(db, leafCount);
  const inclusionMs: number[] = [];
  const consistencyMs: number[] = [];
  const sigstoreMs: number[] = [];
  const ourVerifyMs: number[] = [];
  let peerAccepted = 0;
  for (let s = 0; s < samples; s++) {
    const index = random(leafCount);
    const [proof, ms] = await time(() => inclusionAt(db, index, leafCount));
    inclusionMs.push(ms);
    const [, peer] = await time(async () => {
      sigstore.verifyMerkleInclusion({
        canonicalizedBody: Buffer.from(`leaf ${index}`),
        inclusionProof: {
          logIndex: String(index),
          treeSize: String(leafCount),
          rootHash: root,
          hashes: proof.proof,
        },
      });
    });
    peerAccepted += 1;
    sigstoreMs.push(peer);
    const [, ours] = await time(async () =>
      verifyInclusion(proof.leafHash, index, leafCount, proof.proof, root),
    );
    ourVerifyMs.push(ours);
    const from = 1 + random(leafCount - 1);
    const [consistency, cms] = await time(() => consistencyBetween(db, from, leafCount));
    consistencyMs.push(cms);
    if (!verifyConsistency(from, leafCount, consistency.proof, consistency.fromRoot, root))
      throw new Error(`consistency ${from} failed`);
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: percentile(sorted, 100) };
  };
  result.proofs = {
    treeBuildMs: Math.round(buildMs),
    samples,
    inclusion: stats(inclusionMs),
    consistency: stats(consistencyMs),
    verifyInclusionOurs: stats(ourVerifyMs),
    verifyInclusionSigstorePeer: { ...stats(sigstoreMs), accepted: `${peerAccepted}/${samples}` },
  };
} finally {
  await big.dispose();
}

process.stdout.write(`${JSON.stringify(result)}\n`);

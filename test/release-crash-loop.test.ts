import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { buildApp } from "../src/http/build-app.ts";
import { entryStates } from "../src/intake/target.ts";
import type { TargetKind } from "../src/names/target-kind.ts";
import { ReleaseScheduler } from "../src/publish/release-scheduler.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { ownersForTarget } from "../src/publish/rpz-records.ts";
import { checkpointOfRelease } from "../src/registry/log/log-checkpoints.ts";
import type { Store } from "../src/store/database.ts";
import { openStore } from "../src/store/open-store.ts";
import { LogClient } from "../src/verify/log/log-client.ts";
import { parseJsonFeed, verifyFeed } from "../src/verify/log/verify-feed.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { duringOrder } from "./support/sample-order.ts";

const child = fileURLToPath(new URL("./support/release-loop-child.ts", import.meta.url));
/** 25 rounds on each engine: 50 kills at random moments, each followed by a restart and every check. */
const rounds = Number(process.env.DECREE_CRASH_ROUNDS ?? 25);

/** Runs the release loop until a random moment, then kills it as a power cut would; the approvals it committed. */
async function killAtRandom(engine: string, where: string): Promise<string[]> {
  const loop = spawn(process.execPath, ["--import", "tsx", child, engine, where], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  loop.stdout.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => loop.once("exit", resolve));
  // A loop that died by itself would never print: the test fails on its stderr instead of waiting.
  const started = await Promise.race([
    new Promise<boolean>((resolve) => loop.stdout.once("data", () => resolve(true))),
    exited.then(() => false),
  ]);
  assert.ok(started, "the release loop started");
  await sleep(Math.floor(Math.random() * 600));
  loop.kill("SIGKILL");
  await exited;
  assert.doesNotMatch(output, /^(?!ready|approved )./m, "the loop printed nothing but its progress");
  return output
    .split("\n")
    .filter((line) => line.startsWith("approved "))
    .flatMap((line) => line.slice("approved ".length).split(" "));
}

/** What a restart does: the release scheduler's start (finish what was half done, build what is pending). */
async function restart(store: Store): Promise<void> {
  const scheduler = new ReleaseScheduler({
    db: store.db,
    dialect: store.dialect,
    policy: defaultRpzPolicy,
    now: () => duringOrder,
    logOrigin: "crash.test/log",
  });
  await scheduler.start();
  await scheduler.stop();
}

async function checkAfterRestart(store: Store, approved: string[], lastSerial: number, dir: string) {
  const lost = await store.db
    .selectFrom("targets")
    .select(["id", "state"])
    .where("id", "in", approved.length > 0 ? approved.map(Number) : [0])
    .execute();
  assert.equal(lost.length, approved.length, "every committed approval is still there");
  for (const target of lost)
    assert.ok((entryStates as readonly string[]).includes(target.state), `${target.id}`);

  const active = await store.db
    .selectFrom("targets")
    .select(["kind", "value"])
    .where("state", "=", "active")
    .execute();
  const expected = new Set(active.flatMap((t) => ownersForTarget(t.kind as TargetKind, t.value)));
  const served = new Set(
    (await store.db.selectFrom("zone_records").select("owner").where("rtype", "=", "CNAME").execute()).map(
      (r) => r.owner,
    ),
  );
  assert.deepEqual([...served].sort(), [...expected].sort(), "the zone serves the active entries, no more");

  const releases = await store.db.selectFrom("releases").select(["id", "serial"]).orderBy("id").execute();
  const serials = releases.map((r) => Number(r.serial));
  for (let i = 1; i < serials.length; i++) assert.ok(serials[i]! > serials[i - 1]!, "serials only go up");
  const newest = releases.at(-1)!;
  assert.ok(Number(newest.serial) >= lastSerial, "no serial went backwards across the restart");
  assert.ok(await checkpointOfRelease(store.db, Number(newest.id)), "the newest release has its checkpoint");

  const app = await buildApp({ store, now: () => duringOrder, dataDir: dir });
  try {
    await app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const feed = parseJsonFeed(await (await fetch(`${base}/feeds/json`)).text());
    assert.equal(feed.serial, Number(newest.serial));
    const result = await verifyFeed(feed, new LogClient(base));
    assert.equal(result.ok, true, JSON.stringify(result.problems).slice(0, 2000));
  } finally {
    await app.close();
  }
  return Number(newest.serial);
}

describe("releases killed at random moments, restarted each time", () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-crash-loop-"));
  // The scheduler's timers do not hold the process open (a service's sockets do); here a timer must.
  const keepAlive = setInterval(() => {}, 1000);
  after(() => {
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const engine of ["sqlite", "postgres"] as const) {
    it(`on ${engine}: after each of ${rounds} kills the store opens, nothing approved is lost, the zone is the active entries, serials only go up, and the newest feed verifies`, async () => {
      const database = engine === "postgres" ? await createTestDatabase() : undefined;
      const dataDir = join(dir, engine);
      const where = database?.url ?? dataDir;
      const open = () => openStore(database ? { databaseUrl: database.url } : { dataDir });
      try {
        let lastSerial = 0;
        let approvedSoFar: string[] = [];
        for (let round = 0; round < rounds; round++) {
          approvedSoFar = [...approvedSoFar, ...(await killAtRandom(engine, where))];
          const store = await open();
          try {
            await restart(store);
            lastSerial = await checkAfterRestart(
              store,
              approvedSoFar,
              lastSerial,
              join(dir, `${engine}-app`),
            );
          } finally {
            await store.close();
          }
        }
        assert.ok(approvedSoFar.length > 0, "the loop approved targets before it was killed");
      } finally {
        await database?.drop();
      }
    });
  }
});

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { buildApp } from "../src/http/build-app.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import type { TargetKind } from "../src/names/target-kind.ts";
import { ReleaseScheduler } from "../src/publish/release-scheduler.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { ownersForTarget } from "../src/publish/rpz-records.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { checkpointOfRelease } from "../src/registry/log/log-checkpoints.ts";
import type { Store } from "../src/store/database.ts";
import { openStore } from "../src/store/open-store.ts";
import { LogClient } from "../src/verify/log/log-client.ts";
import { parseJsonFeed, verifyFeed } from "../src/verify/log/verify-feed.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";

const child = fileURLToPath(new URL("./support/release-then-die-child.ts", import.meta.url));

async function approve(store: Store, names: string[], caseNumber: string): Promise<void> {
  const { targets } = await recordOrder(store, sampleOrder({ targets: names, caseNumber }), {
    actor: "test",
    now: duringOrder,
  });
  const refs = (targets?.added ?? []).map((t) => String(t.id));
  await decideTargets(store, {
    decision: "approve",
    refs,
    reason: "ordered",
    actor: "cli",
    now: duringOrder,
  });
}

/** The scheduler in a child killed as soon as it announces its release: after the commit, before the checkpoint. */
async function releaseThenDie(dir: string): Promise<string> {
  const loop = spawn(process.execPath, ["--import", "tsx", child, dir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  loop.stdout.on("data", (chunk) => (output += chunk));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    loop.once("exit", (c, s) => resolve([c, s])),
  );
  assert.equal(signal, "SIGKILL", `the child died at its release, not otherwise (exit ${code}): ${output}`);
  return output;
}

async function restart(store: Store) {
  const scheduler = new ReleaseScheduler({
    db: store.db,
    dialect: store.dialect,
    policy: defaultRpzPolicy,
    now: () => duringOrder,
    logOrigin: "crash.test/log",
  });
  const first = await scheduler.start();
  await scheduler.stop();
  return first;
}

describe("NOTIFY before the log", () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-notify-first-"));
  const keepAlive = setInterval(() => {}, 1000);
  after(() => {
    clearInterval(keepAlive);
    rmSync(dir, { recursive: true, force: true });
  });

  it("announces a release once its zone is committed, before its checkpoint; a kill in between is finished at start-up and the feed verifies", async () => {
    const dataDir = join(dir, "store");
    let store = await openStore({ dataDir });
    await approve(store, ["before-the-kill.notify-first.fr"], "RG NOTIFY/1");
    assert.ok(await restart(store), "a first release, with its checkpoint");
    await approve(store, ["at-the-kill.notify-first.fr", "at-the-kill.notify-first.com"], "RG NOTIFY/2");
    await store.close();

    assert.match(await releaseThenDie(dataDir), /^released 2$/m);

    store = await openStore({ dataDir });
    try {
      const releases = await store.db
        .selectFrom("releases")
        .select(["id", "soa_serial"])
        .orderBy("id")
        .execute();
      assert.deepEqual(
        releases.map((r) => Number(r.id)),
        [1, 2],
        "the release announced was committed whole",
      );
      assert.equal(
        await checkpointOfRelease(store.db, 2),
        undefined,
        "the release was announced before its checkpoint was signed",
      );
      const active = await store.db
        .selectFrom("targets")
        .select(["kind", "value"])
        .where("state", "=", "active")
        .execute();
      const expected = new Set(active.flatMap((t) => ownersForTarget(t.kind as TargetKind, t.value)));
      const served = await store.db
        .selectFrom("zone_records")
        .select("owner")
        .where("rtype", "=", "CNAME")
        .execute();
      assert.deepEqual(new Set(served.map((r) => r.owner)), expected, "the zone is the active entries");

      assert.equal(await restart(store), null, "nothing new to release at start-up");
      const checkpoint = await checkpointOfRelease(store.db, 2);
      assert.ok(checkpoint, "start-up signed the checkpoint the kill left out");
      const latest = await store.db
        .selectFrom("releases")
        .select("id")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirstOrThrow();
      assert.equal(Number(latest.id), 2, "no release was added to finish the old one");

      const app = await buildApp({ store, now: () => duringOrder, dataDir: join(dir, "app") });
      try {
        await app.listen({ host: "127.0.0.1", port: 0 });
        const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
        const feed = parseJsonFeed(await (await fetch(`${base}/feeds/json`)).text());
        assert.equal(feed.serial, 2);
        const result = await verifyFeed(feed, new LogClient(base));
        assert.equal(result.ok, true, JSON.stringify(result.problems).slice(0, 2000));
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
    }
  });
});

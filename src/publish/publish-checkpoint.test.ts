import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import { checkpointOfRelease } from "../registry/log/log-checkpoints.ts";
import { buildRelease } from "./build-release.ts";
import { FeedCache } from "./feeds/feed-cache.ts";
import { publishCheckpoint } from "./publish-checkpoint.ts";
import { ReleaseScheduler } from "./release-scheduler.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";

describeEachEngine("a checkpoint after each release", (store) => {
  const dir = mkdtempSync(join(tmpdir(), "decree-checkpoint-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A name of a new order, approved: the next release publishes it. */
  async function approvedEntry(name: string) {
    const { targets } = await recordOrder(store(), sampleOrder({ targets: [name] }), {
      actor: "user:1",
      now: duringOrder,
    });
    await decideTargets(store(), {
      decision: "approve",
      refs: [String(targets!.added[0]!.id)],
      reason: "ordered",
      actor: "user:1",
      now: duringOrder,
    });
  }

  it("is signed with the release, ends with the release's event, and the JSON feed names it", async () => {
    await approvedEntry("allostreaming.com");
    const scheduler = new ReleaseScheduler({
      db: store().db,
      dialect: store().dialect,
      policy: defaultRpzPolicy,
      now: () => duringOrder,
      logOrigin: "registry.test/log",
    });
    const release = await scheduler.start();
    await scheduler.stop();
    assert.ok(release);
    const checkpoint = await checkpointOfRelease(store().db, release.id);
    assert.ok(checkpoint, "the release has its checkpoint");
    assert.match(checkpoint.note, /^registry\.test\/log\n/);
    const last = await store()
      .db.selectFrom("log_leaves")
      .innerJoin("events", "events.id", "log_leaves.event_id")
      .select(["events.action", "events.subject_id"])
      .where("log_leaves.idx", "=", checkpoint.size - 1)
      .executeTakeFirstOrThrow();
    assert.deepEqual([last.action, Number(last.subject_id)], ["release.published", release.id]);

    const feeds = new FeedCache({ db: store().db, dataDir: dir, zone: defaultRpzPolicy.zone });
    const opened = await feeds.open("json");
    const text = opened.bytes ? opened.bytes.toString() : await opened.handle.readFile("utf8");
    await opened.handle?.close();
    assert.deepEqual(JSON.parse(text).checkpoint, { size: checkpoint.size, rootHash: checkpoint.rootHash });
  });

  it("makes a feed asked for between a release and its checkpoint wait for the checkpoint and name it", async () => {
    await approvedEntry("allostreaming.org");
    // The release commits; the scheduler's checkpoint comes in a transaction of its own, a moment later.
    const release = await buildRelease(store().db, store().dialect, defaultRpzPolicy, duringOrder);
    assert.ok(release);
    const feeds = new FeedCache({ db: store().db, dataDir: dir, zone: defaultRpzPolicy.zone });
    const asked = feeds.open("json");
    await sleep(100);
    const signed = await publishCheckpoint(store().db, store().dialect, {
      origin: "registry.test/log",
      upToEventId: release.eventId,
      releaseId: release.id,
      now: duringOrder,
    });
    const opened = await asked;
    const text = opened.bytes ? opened.bytes.toString() : await opened.handle.readFile("utf8");
    await opened.handle?.close();
    assert.deepEqual(JSON.parse(text).checkpoint, { size: signed.size, rootHash: signed.rootHash });
  });
});

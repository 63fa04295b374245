import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../test/support/stores.ts";
import { createOrganisation } from "../accounts/organisations.ts";
import { recordOrder } from "../intake/record-order.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import { checkpointOfRelease } from "../registry/log/log-checkpoints.ts";
import { reportTarget } from "../verify/report-target.ts";
import type { ReleaseSummary } from "./build-release.ts";
import { ReleaseScheduler } from "./release-scheduler.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";

describe("the release scheduler", () => {
  let opened: StoreUnderTest;
  let scheduler: ReleaseScheduler;
  const releases: ReleaseSummary[] = [];
  // The scheduler's poll timer does not hold the process open (a service's sockets do); here a timer must.
  const keepAlive = setInterval(() => {}, 1000);

  before(async () => {
    opened = await storeEngines[0]!.open();
    scheduler = new ReleaseScheduler({
      db: opened.store.db,
      dialect: opened.store.dialect,
      policy: defaultRpzPolicy,
      now: () => duringOrder,
      windowMs: 300,
      pollMs: 5,
    });
    scheduler.on("release", (release) => releases.push(release));
  });
  after(async () => {
    clearInterval(keepAlive);
    await scheduler.stop();
    await opened.dispose();
  });

  async function propose(names: string[]) {
    const { targets } = await recordOrder(opened.store, sampleOrder({ targets: names }), {
      actor: "test",
      now: duringOrder,
    });
    return (targets?.added ?? []).map((t) => String(t.id));
  }

  it("publishes the first release when it starts", async () => {
    const first = await scheduler.start();
    assert.equal(first?.serial, 1);
  });

  it("notices a change written by someone else and publishes it without being told", async () => {
    const ids = await propose(["noticed.fifostream.tv"]);
    const released = once(scheduler, "release");
    await decideTargets(opened.store, {
      decision: "approve",
      refs: ids,
      reason: "t",
      actor: "cli",
      now: duringOrder,
    });
    const [release] = (await released) as [ReleaseSummary];
    assert.equal(release.added, 1);
  });

  it("builds a change after a quiet spell at once, and puts the changes arriving within the window after it into one release", async () => {
    const ids = await propose(["one.fifostream.net", "two.fifostream.net", "three.fifostream.net"]);
    await scheduler.settled();
    // A quiet spell: the last build started more than a window (300 ms) ago.
    await new Promise((resolve) => setTimeout(resolve, 350));
    const before = releases.length;
    const approve = (id: string) =>
      decideTargets(opened.store, {
        decision: "approve",
        refs: [id],
        reason: "t",
        actor: "cli",
        now: duringOrder,
      });
    const first = once(scheduler, "release");
    const started = performance.now();
    await approve(ids[0]!);
    scheduler.poke();
    const [alone] = (await first) as [ReleaseSummary];
    const waited = performance.now() - started;
    assert.equal(alone.added, 1);
    assert.ok(waited < 300, `built at once, not at the window's end (${Math.round(waited)} ms)`);
    const next = once(scheduler, "release");
    for (const id of ids.slice(1)) {
      await approve(id);
      scheduler.poke();
    }
    const [together] = (await next) as [ReleaseSummary];
    await scheduler.settled();
    assert.equal(together.added, 2, "the changes within the window share one release");
    assert.equal(releases.length, before + 2);
  });

  it("makes no release for 45 operators' reports, which change nothing served", async () => {
    const ids = await propose(["reported.fifostream.org"]);
    await decideTargets(opened.store, {
      decision: "approve",
      refs: ids,
      reason: "t",
      actor: "cli",
      now: duringOrder,
    });
    await scheduler.settled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await scheduler.settled();
    const before = { releases: releases.length, diffs: scheduler.diffs };
    const isp = await createOrganisation(
      opened.store.db,
      { name: "Reporting ISP" },
      { actor: "test", now: duringOrder },
    );
    for (let i = 0; i < 45; i++) {
      await reportTarget(
        opened.store,
        Number(ids[0]),
        { kind: i % 2 === 0 ? "already-blocked" : "believed-wrong", reason: `report ${i}` },
        { organisationId: isp.id, actor: "user:9", now: duringOrder },
      );
      scheduler.poke();
      if (i % 9 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    await scheduler.settled();
    assert.equal(releases.length, before.releases, "no release");
    assert.equal(scheduler.diffs, before.diffs, "no build compared the zone");
  });

  it("makes exactly one release for one approval, and its own event wakes no second build", async () => {
    const ids = await propose(["once.fifostream.org"]);
    await scheduler.settled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await scheduler.settled();
    const before = { releases: releases.length, diffs: scheduler.diffs };
    await decideTargets(opened.store, {
      decision: "approve",
      refs: ids,
      reason: "t",
      actor: "cli",
      now: duringOrder,
    });
    await once(scheduler, "release");
    // Many poll periods: a second build would have started by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await scheduler.settled();
    assert.equal(releases.length, before.releases + 1);
    assert.equal(scheduler.diffs, before.diffs + 1, "one build compared the zone, not two");
    const cursor = await opened.store.db
      .selectFrom("publish_cursor")
      .select("last_event_id")
      .executeTakeFirstOrThrow();
    assert.equal(
      Number(cursor.last_event_id),
      releases.at(-1)!.eventId,
      "the cursor is past the release's event",
    );
  });
});

describe("a change while a release waits for its checkpoint", () => {
  it("is built at once, before that checkpoint, and its build signs both checkpoints, oldest first", async () => {
    const opened = await storeEngines[0]!.open();
    const keepAlive = setInterval(() => {}, 1000);
    // A wait no test outlasts: the second release can only come while the first waits for its checkpoint.
    const scheduler = new ReleaseScheduler({
      db: opened.store.db,
      dialect: opened.store.dialect,
      policy: defaultRpzPolicy,
      now: () => duringOrder,
      windowMs: 0,
      pollMs: 60_000,
      checkpointDelayMs: 3_600_000,
      logOrigin: "hurry.test/log",
    });
    try {
      const approve = async (name: string) => {
        const { targets } = await recordOrder(opened.store, sampleOrder({ targets: [name] }), {
          actor: "test",
          now: duringOrder,
        });
        await decideTargets(opened.store, {
          decision: "approve",
          refs: (targets?.added ?? []).map((t) => String(t.id)),
          reason: "t",
          actor: "cli",
          now: duringOrder,
        });
      };
      await approve("first.hurry-checkpoint.org");
      const first = once(scheduler, "release");
      const started = scheduler.start();
      const [release1] = (await first) as [ReleaseSummary];
      await approve("second.hurry-checkpoint.org");
      const second = once(scheduler, "release");
      const checkpoints: number[] = [];
      scheduler.on("checkpoint", (release) => checkpoints.push(release.id));
      scheduler.poke();
      const [release2] = (await second) as [ReleaseSummary];
      assert.equal(
        await checkpointOfRelease(opened.store.db, release1.id),
        undefined,
        "the second release went out before the first one's checkpoint",
      );
      assert.equal(
        await started,
        release1,
        "the start ended with its release, its checkpoint left to the next",
      );
      // The second release waits for its checkpoint in turn; a third change finds the first one owed one: the
      // second build signs both before the third is built.
      await approve("third.hurry-checkpoint.org");
      const third = once(scheduler, "release");
      scheduler.poke();
      const [release3] = (await third) as [ReleaseSummary];
      assert.ok(await checkpointOfRelease(opened.store.db, release1.id), "the first release's checkpoint");
      assert.ok(await checkpointOfRelease(opened.store.db, release2.id), "the second release's checkpoint");
      assert.deepEqual(checkpoints, [release2.id]);
      await scheduler.stop();
      assert.ok(await checkpointOfRelease(opened.store.db, release3.id), "signed at stop, without its wait");
    } finally {
      clearInterval(keepAlive);
      await scheduler.stop();
      await opened.dispose();
    }
  });
});

describe("a store behind the serial its data folder served", () => {
  it("is published past that serial at start, with a release of the same zone", async () => {
    const opened = await storeEngines[0]!.open();
    try {
      const build = (served: number | undefined, bumps: unknown[]) =>
        new ReleaseScheduler({
          db: opened.store.db,
          dialect: opened.store.dialect,
          policy: defaultRpzPolicy,
          now: () => duringOrder,
          servedSerial: () => served,
          onSerialBump: (bump) => bumps.push(bump),
        });
      const bumps: Array<{ storeSerial: number | null; servedSerial: number }> = [];
      const initial = build(undefined, bumps);
      const first = await initial.start();
      await initial.stop();
      assert.ok(first);
      // The secondaries hold a serial far ahead: what a restored backup or a reset store looks like.
      const served = first.soaSerial + 10_000;
      const fresh = build(served, bumps);
      const bumped = await fresh.start();
      await fresh.stop();
      assert.ok(bumped, "a release moves the serial");
      assert.equal(bumped.soaSerial, served + 1);
      assert.equal(bumped.id, first.id + 1, "release numbers go on as before");
      assert.deepEqual([bumped.added, bumped.removed], [0, 0]);
      assert.deepEqual(
        bumps.map((b) => [b.storeSerial, b.servedSerial]),
        [[first.soaSerial, served]],
      );
      // Once past it, a start changes nothing.
      const settled = build(served, bumps);
      assert.equal(await settled.start(), null);
      await settled.stop();
    } finally {
      await opened.dispose();
    }
  });
});

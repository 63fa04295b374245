import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JobRunner } from "./job-runner.ts";
import { soleLeadership } from "./leadership.ts";

describe("the scheduler's job runner", () => {
  it("runs every job in order at start, reports a failing job and still runs the others", async () => {
    const ran: string[] = [];
    const failures: string[] = [];
    let changes = 0;
    const runner = new JobRunner({
      leadership: soleLeadership(),
      intervalMs: 60_000,
      onChange: () => changes++,
      jobs: [
        {
          name: "clock",
          run: async () => {
            ran.push("clock");
            return true;
          },
        },
        {
          name: "broken",
          run: async () => {
            ran.push("broken");
            throw new Error("store unreachable");
          },
        },
        {
          name: "webhooks",
          run: async () => {
            ran.push("webhooks");
            return false;
          },
        },
      ],
    });
    runner.on("failed", (error, job) => failures.push(`${job}: ${(error as Error).message}`));
    await runner.start();
    assert.deepEqual(ran, ["clock", "broken", "webhooks"]);
    assert.deepEqual(failures, ["broken: store unreachable"]);
    assert.equal(changes, 1);
    assert.equal(runner.isLeader, true);
    await runner.stop();
  });

  it("never runs twice at once: a kick during a run makes one more run after it", async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const runner = new JobRunner({
      leadership: soleLeadership(),
      intervalMs: 60_000,
      jobs: [
        {
          name: "slow",
          run: async () => {
            running++;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, 30));
            running--;
            runs++;
            return false;
          },
        },
      ],
    });
    await runner.start();
    runner.kick();
    runner.kick();
    runner.kick();
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(most, 1);
    assert.equal(runs, 3, "the start, the first kick, and one more for the kicks during it");
    await runner.stop();
  });

  it("runs nothing while another instance leads", async () => {
    let runs = 0;
    const runner = new JobRunner({
      leadership: { lead: async () => false, release: async () => {} },
      intervalMs: 10,
      jobs: [
        {
          name: "clock",
          run: async () => {
            runs++;
            return false;
          },
        },
      ],
    });
    await runner.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(runs, 0);
    assert.equal(runner.isLeader, false);
    await runner.stop();
  });

  it("wakes at the instant a job says something is due, well before its next tick", async () => {
    const runs: number[] = [];
    const dueAt = Date.now() + 300;
    const runner = new JobRunner({
      leadership: soleLeadership(),
      intervalMs: 60_000,
      jobs: [
        {
          name: "clock",
          run: async () => {
            runs.push(Date.now());
            return false;
          },
          // Due once, as a blocking window's end is: after it, nothing more until the next tick.
          wakeAt: async () => (Date.now() < dueAt ? new Date(dueAt) : undefined),
        },
      ],
    });
    await runner.start();
    await new Promise((resolve) => setTimeout(resolve, 800));
    await runner.stop();
    assert.equal(runs.length, 2, "the start, then the wake-up; no tick in between");
    assert.ok(runs[1]! >= dueAt, "not before it is due");
    assert.ok(runs[1]! - dueAt < 200, `woken ${runs[1]! - dueAt} ms after it was due`);
  });
  it("runs a kick's jobs after what the same turn of the event loop queued before it, such as the release a decision poked", async () => {
    const order: string[] = [];
    let ran: () => void = () => {};
    const runner = new JobRunner({
      leadership: soleLeadership(),
      intervalMs: 60_000,
      jobs: [
        {
          name: "clock",
          run: async () => {
            order.push("jobs");
            ran();
            return false;
          },
        },
      ],
    });
    await runner.start();
    order.length = 0;
    const kickedRun = new Promise<void>((resolve) => (ran = resolve));
    setImmediate(() => order.push("release build"));
    runner.kick();
    await kickedRun;
    await runner.stop();
    assert.deepEqual(order, ["release build", "jobs"]);
  });

  it("lets the event loop turn between two jobs of a run: what came during one goes before the next", async () => {
    const order: string[] = [];
    const runner = new JobRunner({
      leadership: soleLeadership(),
      intervalMs: 60_000,
      jobs: [
        {
          name: "deadlines",
          run: async () => {
            order.push("deadlines");
            // A request that arrives while this job holds the event loop.
            setImmediate(() => order.push("a decision's request"));
            return false;
          },
        },
        {
          name: "webhooks",
          run: async () => {
            order.push("webhooks");
            return false;
          },
        },
      ],
    });
    await runner.start();
    await runner.stop();
    assert.deepEqual(order, ["deadlines", "a decision's request", "webhooks"]);
  });
});

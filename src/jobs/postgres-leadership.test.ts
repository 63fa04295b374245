import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { pollUntil } from "../../test/support/poll.ts";
import { createTestDatabase, type TestPostgres } from "../../test/support/postgres.ts";
import { JobRunner } from "./job-runner.ts";
import type { Leadership } from "./leadership.ts";
import { postgresLeadership } from "./postgres-leadership.ts";

describe("leadership of the scheduler's jobs on PostgreSQL", () => {
  let database: TestPostgres;
  const opened: Leadership[] = [];
  const leadership = () => {
    const made = postgresLeadership(database.url);
    opened.push(made);
    return made;
  };

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    for (const made of opened) await made.release();
    await database.drop();
  });

  it("lets exactly one of several contenders lead, and the next one lead once it lets go", async () => {
    const [a, b, c] = [leadership(), leadership(), leadership()];
    const first = await Promise.all([a!.lead(), b!.lead(), c!.lead()]);
    assert.equal(first.filter(Boolean).length, 1);
    const leader = [a, b, c][first.indexOf(true)]!;
    assert.equal(await leader.lead(), true, "a leader asked again still leads");
    await leader.release();
    const second = await Promise.all([a, b, c].filter((l) => l !== leader).map((l) => l!.lead()));
    assert.equal(second.filter(Boolean).length, 1);
  });

  it("hands the lead over when the leader's connection dies, and the old leader knows it lost it", async () => {
    const [a, b] = [leadership(), leadership()];
    for (const made of opened.slice(0, 3)) await made.release();
    assert.equal(await a!.lead(), true);
    assert.equal(await b!.lead(), false);
    // What a crash or a network cut does: the server ends the leader's session.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'decree-jobs' " +
          "and pid in (select pid from pg_locks where locktype = 'advisory' and granted)",
      );
    } finally {
      await admin.end();
    }
    await pollUntil("the follower to take over", async () => ((await b!.lead()) ? true : undefined), {
      intervalMs: 20,
    });
    assert.equal(await a!.lead(), false, "the old leader does not lead beside the new one");
  });

  it("runs the jobs only while leading, and says when it takes and loses the lead", async () => {
    for (const made of opened) await made.release();
    const runs: string[] = [];
    const runner = (name: string) =>
      new JobRunner({
        leadership: leadership(),
        intervalMs: 20,
        jobs: [
          {
            name: "count",
            run: async () => {
              runs.push(name);
              return false;
            },
          },
        ],
      });
    const one = runner("one");
    const two = runner("two");
    const changes: string[] = [];
    one.on("leader", (leading) => changes.push(`one ${leading}`));
    two.on("leader", (leading) => changes.push(`two ${leading}`));
    await one.start();
    await two.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual([one.isLeader, two.isLeader], [true, false]);
    assert.ok(runs.length > 1);
    assert.deepEqual([...new Set(runs)], ["one"]);
    await one.stop();
    await pollUntil("the second runner to lead", async () => (two.isLeader ? true : undefined));
    const before = runs.length;
    await pollUntil("the second runner to run", async () => (runs.length > before + 1 ? true : undefined));
    assert.deepEqual([...new Set(runs.slice(before))], ["two"]);
    await two.stop();
    assert.deepEqual(changes, ["one true", "one false", "two true", "two false"]);
  });
});

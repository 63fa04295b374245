import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import type { Store } from "../src/store/database.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestDatabase, type TestPostgres } from "./support/postgres.ts";
import { sampleOrder } from "./support/sample-order.ts";

/**
 * Two API instances on one PostgreSQL, as behind a load balancer: the scheduler's jobs run in exactly one of
 * them, and when it stops, the other takes over.
 */
describe("the scheduler's jobs with two instances on one PostgreSQL", { timeout: 60_000 }, () => {
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), "decree-leader-")));
  let database: TestPostgres;
  const services: RunningService[] = [];

  before(async () => {
    database = await createTestDatabase();
    for (const dir of dirs) {
      const config = loadConfig(
        {
          config: "/dev/null",
          data: dir,
          databaseUrl: database.url,
          http: "127.0.0.1:0",
          dns: "127.0.0.1:0",
          stop: "127.0.0.1:0",
        },
        {},
      );
      services.push(await startService(config, { clockIntervalMs: 50 }));
    }
  });
  after(async () => {
    for (const service of services) await service.close().catch(() => {});
    await database.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** An entry whose order ends `ms` from now, so that the clock job must expire it. */
  async function entryEndingIn(store: Store, name: string, ms: number): Promise<number> {
    const now = new Date();
    const { targets } = await recordOrder(
      store,
      sampleOrder({
        targets: [name],
        validity: {
          from: new Date(now.getTime() - 60_000).toISOString(),
          until: new Date(now.getTime() + ms).toISOString(),
        },
      }),
      { actor: "test", now },
    );
    const id = targets!.added[0]!.id;
    await decideTargets(store, {
      decision: "approve",
      refs: [String(id)],
      reason: "test",
      actor: "test",
      now,
    });
    return id;
  }

  async function expiries(store: Store, id: number) {
    return store.db
      .selectFrom("events")
      .select(["actor"])
      .where("subject_type", "=", "target")
      .where("subject_id", "=", id)
      .where("action", "=", "target.expired")
      .execute();
  }

  it("runs the jobs in exactly one instance, and in the other once the first stops", async () => {
    const [a, b] = services as [RunningService, RunningService];
    assert.notEqual(a.http.port, b.http.port);
    const leaders = services.filter((service) => service.jobs.isLeader);
    assert.equal(leaders.length, 1);
    const leader = leaders[0]!;
    const follower = leader === a ? b : a;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(leader.jobs.runs > 2, `the leader ran ${leader.jobs.runs} times`);
    assert.equal(follower.jobs.runs, 0);

    const first = await entryEndingIn(follower.store, "expires-under-first.example-films.com", 500);
    await pollUntil("the leader's clock to expire the entry", async () =>
      (await expiries(follower.store, first)).length > 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await expiries(follower.store, first), [{ actor: "system:clock" }]);

    await leader.close();
    services.splice(services.indexOf(leader), 1);
    await pollUntil("the other instance to take the lead", async () =>
      follower.jobs.isLeader ? true : undefined,
    );
    const second = await entryEndingIn(follower.store, "expires-under-second.example-films.com", 300);
    await pollUntil("the new leader's clock to expire the entry", async () =>
      (await expiries(follower.store, second)).length > 0 ? true : undefined,
    );
    assert.ok(follower.jobs.runs > 0);
  });
});

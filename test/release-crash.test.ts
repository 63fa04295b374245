import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { recordOrder } from "../src/intake/record-order.ts";
import { buildRelease } from "../src/publish/build-release.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { ZoneSource } from "../src/publish/zone-source.ts";
import type { Store } from "../src/store/database.ts";
import { openStore } from "../src/store/open-store.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";

const child = fileURLToPath(new URL("./support/build-release-child.ts", import.meta.url));
const entries = 60_000;

/** Activates every proposed target at once, with the events a release is built from (setup only). */
async function activateAll(store: Store): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await sql`insert into events (at, actor, subject_type, subject_id, action, from_state, to_state, reason, data)
      select '2026-06-01T12:00:00.000Z', 'test', 'target', id, 'target.approved', 'proposed', 'active', 'setup', '{}'
      from targets where state = 'proposed'`.execute(trx);
    await trx.updateTable("targets").set({ state: "active" }).where("state", "=", "proposed").execute();
  });
}

async function consistent(store: Store) {
  const latest = await store.db
    .selectFrom("releases")
    .selectAll()
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const records = await store.db
    .selectFrom("zone_records")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return {
    release: latest ? Number(latest.id) : 0,
    expected: Number(latest?.record_count ?? 0),
    actual: Number(records.n),
  };
}

describe("a release interrupted by a crash", () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-crash-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves the previous release whole, and the next build publishes everything", async () => {
    let store = await openStore({ dataDir: dir });
    const names = Array.from({ length: entries }, (_, i) => `mirror${i}.allostreaming-crash.com`);
    await recordOrder(store, sampleOrder({ targets: names }), { actor: "test", now: duringOrder });
    await buildRelease(store.db, store.dialect, defaultRpzPolicy, duringOrder);
    await activateAll(store);
    await store.close();

    // Kill the builder once it has started writing the release: SIGKILL, as a power cut would.
    const builder = spawn(process.execPath, ["--import", "tsx", child, dir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    builder.stdout.on("data", (chunk) => (output += chunk));
    await new Promise<void>((resolve) => builder.stdout.once("data", () => setTimeout(resolve, 400)));
    builder.kill("SIGKILL");
    await new Promise((resolve) => builder.once("exit", resolve));
    assert.doesNotMatch(
      output,
      /built/,
      "the build finished before it could be interrupted; raise `entries`",
    );

    store = await openStore({ dataDir: dir });
    try {
      const afterCrash = await consistent(store);
      assert.equal(afterCrash.release, 1, "no half release was published");
      assert.equal(afterCrash.actual, afterCrash.expected);
      const release = await buildRelease(store.db, store.dialect, defaultRpzPolicy, duringOrder);
      assert.equal(release?.serial, 2);
      assert.equal(release?.added, entries);
      const snapshot = await new ZoneSource(store.db).snapshot();
      assert.equal(snapshot.records.length, entries);
      assert.deepEqual(await consistent(store), { release: 2, expected: entries, actual: entries });
    } finally {
      await store.close();
    }
  });
});

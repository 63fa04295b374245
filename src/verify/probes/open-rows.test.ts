import assert from "node:assert/strict";
import { before, it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish } from "../../../test/support/published-zone.ts";
import { addOperator } from "../../publish/operators.ts";
import type { Store } from "../../store/database.ts";
import { dueEnforcements, markProbed } from "./enforcements.ts";
import { dueLifts, markLiftsProbed } from "./lifts.ts";

const now = new Date("2026-06-10T12:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const timing = { now, minIntervalMs: 1000, horizonMs: 2 * day, limit: 10 };

/**
 * The same open rows in both tables, by name: never probed (two, the older first by id), probed too recently
 * for its age, probed long enough ago, a day old and probed within the hour (the back-off's cap), probed over
 * an hour ago, released before the horizon, and closed.
 */
const rows = [
  { name: "fresh-1", releasedAt: ago(10 * minute), probedAt: null },
  { name: "recent", releasedAt: ago(10 * minute), probedAt: ago(30_000) },
  { name: "due", releasedAt: ago(10 * minute), probedAt: ago(2 * minute) },
  { name: "capped", releasedAt: ago(day), probedAt: ago(59 * minute) },
  { name: "hourly", releasedAt: ago(day), probedAt: ago(61 * minute) },
  { name: "too-old", releasedAt: ago(3 * day), probedAt: null },
  { name: "closed", releasedAt: ago(10 * minute), probedAt: null, closed: true },
  { name: "fresh-2", releasedAt: ago(5 * minute), probedAt: null },
];

async function openRows(store: Store): Promise<void> {
  await approveTargets(store, ["due-rows.com"]);
  await publish(store);
  const operator = await addOperator(
    store.db,
    { name: "Orange", allow: ["127.0.0.1"] },
    { actor: "test", now },
  );
  const release = await store.db.selectFrom("releases").select(["id", "serial"]).executeTakeFirstOrThrow();
  const common = (row: (typeof rows)[number]) => ({
    operator_id: operator.operator.id,
    release_id: Number(release.id),
    serial: Number(release.serial),
    name: `${row.name}.due-rows.com`,
    released_at: row.releasedAt,
    last_probed_at: row.probedAt,
  });
  await store.db
    .insertInto("enforcements")
    .values(
      rows.map((row) => ({
        ...common(row),
        enforced_at: row.closed ? ago(0) : null,
        time_to_enforce_ms: row.closed ? 1 : null,
      })),
    )
    .execute();
  await store.db
    .insertInto("lifts")
    .values(
      rows.map((row) => ({
        ...common(row),
        cause: "lift" as const,
        lifted_at: row.closed ? ago(0) : null,
        time_to_lift_ms: row.closed ? 1 : null,
      })),
    )
    .execute();
}

const names = (due: ReadonlyArray<{ name: string }>) =>
  due.map((row) => row.name.replace(".due-rows.com", ""));

describeEachEngine("open enforcements and lifts due for another probe", (store) => {
  before(() => openRows(store()));

  it("lists never-probed rows first, then the longest unprobed, backing off with each row's age", async () => {
    const expected = ["fresh-1", "fresh-2", "hourly", "due"];
    assert.deepEqual(names(await dueEnforcements(store().db, timing)), expected);
    assert.deepEqual(names(await dueLifts(store().db, timing)), expected);
    assert.deepEqual(names(await dueEnforcements(store().db, { ...timing, limit: 1 })), ["fresh-1"]);
    assert.deepEqual(names(await dueLifts(store().db, { ...timing, limit: 1 })), ["fresh-1"]);
    const [first] = await dueLifts(store().db, timing);
    assert.equal(first!.releasedAt, rows[0]!.releasedAt);
  });

  it("no longer lists rows probed just now, in either table", async () => {
    const enforcements = await dueEnforcements(store().db, timing);
    const lifts = await dueLifts(store().db, timing);
    await markProbed(
      store().db,
      enforcements.map((row) => row.id),
      now,
    );
    assert.deepEqual(names(await dueEnforcements(store().db, timing)), []);
    assert.deepEqual(names(await dueLifts(store().db, timing)), ["fresh-1", "fresh-2", "hourly", "due"]);
    await markLiftsProbed(
      store().db,
      lifts.map((row) => row.id),
      now,
    );
    assert.deepEqual(names(await dueLifts(store().db, timing)), []);
  });
});

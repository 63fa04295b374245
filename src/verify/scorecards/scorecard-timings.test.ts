import assert from "node:assert/strict";
import { before, it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish, suspendTargets } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { addOperator } from "../../publish/operators.ts";
import type { Store } from "../../store/database.ts";
import { addResolver } from "../probes/resolvers.ts";
import { operatorScorecards } from "./operator-scorecards.ts";
import { orderScorecards } from "./order-scorecards.ts";

const context = { actor: "test", now: duringOrder };
const releasedAt = "2026-06-01T12:00:00.000Z";
const after = (ms: number) => new Date(Date.parse(releasedAt) + ms).toISOString();

/**
 * Two orders published in two releases, and a third release that suspends a name. "Alpha" (two resolvers) was
 * timed enforcing and lifting names of both orders and has one resolver two releases behind; "Beta" (one
 * resolver whose canary answer names no serial) was timed on the second order only; "Gamma" has no resolver
 * left but kept a time to enforce from when it had one.
 */
async function timedRegistry(store: Store): Promise<void> {
  const db = store.db;
  const [firstA] = await approveTargets(store, ["one-a.timings-test.com", "one-b.timings-test.com"]);
  await publish(store);
  await approveTargets(store, ["two-a.timings-test.com"]);
  await publish(store);
  await suspendTargets(store, [firstA!]);
  await publish(store);
  for (const name of ["Alpha", "Beta", "Gamma"]) {
    await addOperator(db, { name, allow: ["127.0.0.1"] }, context);
  }
  const alpha1 = await addResolver(db, { operator: "Alpha", address: "127.0.0.1:5301" }, context);
  const alpha2 = await addResolver(db, { operator: "Alpha", address: "127.0.0.1:5302" }, context);
  const beta = await addResolver(db, { operator: "Beta", address: "127.0.0.1:5303" }, context);
  const operators = new Map(
    (await db.selectFrom("operators").select(["id", "name"]).execute()).map((row) => [
      row.name,
      Number(row.id),
    ]),
  );
  const releases = await db.selectFrom("releases").select(["id", "serial"]).orderBy("id").execute();
  const release = releases[0]!;
  const followed = (operator: string, name: string) => ({
    operator_id: operators.get(operator)!,
    release_id: Number(release.id),
    serial: Number(release.serial),
    name,
    released_at: releasedAt,
    last_probed_at: null,
  });
  const closedAfter = (ms: number | null) => (ms === null ? null : after(ms));
  await db
    .insertInto("enforcements")
    .values(
      (
        [
          ["Alpha", "one-a", 1000],
          ["Alpha", "one-b", 5000],
          ["Alpha", "two-a", 2000],
          ["Alpha", "never", null],
          ["Beta", "two-a", 7000],
          ["Gamma", "one-a", 4000],
        ] as const
      ).map(([operator, name, ms]) => ({
        ...followed(operator, `${name}.timings-test.com`),
        enforced_at: closedAfter(ms),
        time_to_enforce_ms: ms,
      })),
    )
    .execute();
  await db
    .insertInto("lifts")
    .values(
      (
        [
          ["Alpha", "one-b", 600],
          ["Alpha", "two-a", 900],
          ["Alpha", "one-a", null],
        ] as const
      ).map(([operator, name, ms]) => ({
        ...followed(operator, `${name}.timings-test.com`),
        cause: "lift" as const,
        lifted_at: closedAfter(ms),
        time_to_lift_ms: ms,
      })),
    )
    .execute();
  const canary = (resolver: typeof alpha1, serial: number | null) => ({
    operator_id: resolver.operatorId,
    resolver_id: resolver.id,
    name: "canary.timings-test",
    rcode: "NOERROR",
    text: serial === null ? "not a canary" : `decree serial ${serial} ${"0".repeat(64)}`,
    serial,
    digest: serial === null ? null : "0".repeat(64),
    failure: null,
    at: after(10_000),
    source: "registry",
  });
  await db
    .insertInto("canary_observations")
    .values([
      canary(alpha1, Number(releases[0]!.serial)),
      canary(alpha2, Number(releases.at(-1)!.serial)),
      canary(beta, null),
    ])
    .execute();
}

const timings = (card: {
  timeToEnforceP50Ms: number | null;
  timeToEnforceP95Ms: number | null;
  timeToLiftP50Ms: number | null;
  timeToLiftP95Ms: number | null;
  serialLag: number | null;
}) => [
  card.timeToEnforceP50Ms,
  card.timeToEnforceP95Ms,
  card.timeToLiftP50Ms,
  card.timeToLiftP95Ms,
  card.serialLag,
];

describeEachEngine("the scorecards' times to enforce and lift and serial lag", (store) => {
  before(() => timedRegistry(store()));

  it("gives each operator nearest-rank percentiles of its own times, and the most releases a resolver is behind", async () => {
    const cards = await operatorScorecards(store().db);
    assert.deepEqual(
      cards.map((card) => [card.operator, ...timings(card)]),
      [
        ["Alpha", 2000, 5000, 600, 900, 2],
        ["Beta", 7000, 7000, null, null, null],
        ["Gamma", 4000, 4000, null, null, null],
      ],
    );
    const [beta] = await operatorScorecards(store().db, "Beta");
    assert.deepEqual(timings(beta!), [7000, 7000, null, null, null]);
  });

  it("times each order on its own names, with each operator's serial lag whatever the order", async () => {
    const cards = await orderScorecards(store().db);
    assert.deepEqual(
      cards.map((card) => card.operators.map((operator) => [operator.operator, ...timings(operator)])),
      [
        [
          ["Alpha", 1000, 5000, 600, 600, 2],
          ["Beta", null, null, null, null, null],
          ["Gamma", 4000, 4000, null, null, null],
        ],
        [
          ["Alpha", 2000, 2000, 900, 900, 2],
          ["Beta", 7000, 7000, null, null, null],
          ["Gamma", null, null, null, null, null],
        ],
      ],
    );
    const [second] = await orderScorecards(store().db, cards[1]!.orderId);
    assert.deepEqual(second, cards[1]);
  });
});

import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "kysely";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { actor, approveTargets, publish } from "../../test/support/published-zone.ts";
import { duringOrder } from "../../test/support/sample-order.ts";
import { fileAppeal } from "../intake/file-appeal.ts";
import { ZoneSource } from "../publish/zone-source.ts";
import type { Store } from "../store/database.ts";
import { decideAppeal } from "./decide-appeal.ts";
import { listAppeals } from "./list-appeals.ts";

const contact = "owner@site.example";

describeEachEngine("an appeal's decision on the whole site", (store) => {
  /** One order's entries by name: a site of two names and a page, and names that only look related. */
  async function siteOrder(prefix: string) {
    const names = [
      `${prefix}-allostreaming.net`,
      `www.${prefix}-allostreaming.net`,
      `https://${prefix}-allostreaming.net/film`,
      `${prefix}-allostreaming.com`,
      `${prefix}-a.github.io`,
      `${prefix}-b.github.io`,
    ];
    const ids = await approveTargets(store(), names);
    await publish(store());
    return Object.fromEntries(names.map((name, index) => [name, Number(ids[index])]));
  }

  async function states(ids: number[]) {
    const rows = await store()
      .db.selectFrom("targets")
      .select(["id", "state"])
      .where("id", "in", ids)
      .orderBy("id")
      .execute();
    return rows.map((row) => row.state);
  }

  async function zoneOwners() {
    return (await new ZoneSource(store().db).snapshot()).records.map((record) => record.owner);
  }

  const appeal = (name: string) =>
    fileAppeal(store(), { target: name, reason: "this site is mine", contact }, { now: duringOrder });
  const decide = (id: number, decision: "suspend" | "uphold" | "lift", scope?: "entry" | "site") =>
    decideAppeal(store(), { appealId: id, decision, scope, reason: "examined", actor, now: duringOrder });

  it("shows an appeal's siblings: the order's other entries for the same registrable domain, and no others", async () => {
    const ids = await siteOrder("show");
    const filed = await appeal("show-allostreaming.net");
    const listed = (await listAppeals(store().db, { withContact: false })).find(
      (one) => one.id === filed.id,
    )!;
    assert.deepEqual(
      listed.siblings.map((sibling) => [sibling.id, sibling.value, sibling.state]),
      [
        [ids["www.show-allostreaming.net"], "www.show-allostreaming.net", "active"],
        [ids["https://show-allostreaming.net/film"], "https://show-allostreaming.net/film", "active"],
      ],
    );
    const github = await appeal("show-a.github.io");
    const other = (await listAppeals(store().db, { withContact: false })).find(
      (one) => one.id === github.id,
    )!;
    assert.deepEqual(
      other.siblings,
      [],
      "github.io is a public suffix: its names belong to different owners",
    );
  });

  it("suspends the entry and its siblings in one decision, taken out of the zone by one release", async () => {
    const ids = await siteOrder("both");
    const site = [ids["both-allostreaming.net"]!, ids["www.both-allostreaming.net"]!];
    const filed = await appeal("both-allostreaming.net");
    const releasesBefore = await releaseCount();
    const decided = await decide(filed.id, "suspend", "site");
    assert.equal(decided.scope, "site");
    assert.deepEqual(decided.target && [decided.target.id, decided.target.to], [site[0], "suspended"]);
    assert.deepEqual(
      decided.siblings.map((one) => [one.id, one.from, one.to]),
      [
        [site[1], "active", "suspended"],
        [ids["https://both-allostreaming.net/film"], "active", "suspended"],
      ],
    );
    assert.deepEqual(await states([...site, ids["both-allostreaming.com"]!]), [
      "suspended",
      "suspended",
      "active",
    ]);
    await publish(store());
    assert.equal(await releaseCount(), releasesBefore + 1);
    const owners = await zoneOwners();
    assert.ok(!owners.includes("both-allostreaming.net") && !owners.includes("www.both-allostreaming.net"));
    assert.ok(owners.includes("both-allostreaming.com"));
    const event = await store()
      .db.selectFrom("events")
      .select("data")
      .where("subject_type", "=", "appeal")
      .where("subject_id", "=", filed.id)
      .where("action", "=", "appeal.suspended")
      .executeTakeFirstOrThrow();
    assert.equal(JSON.parse(event.data).scope, "site");
    // Upholding without a scope follows the suspension: what went out together comes back together.
    const upheld = await decide(filed.id, "uphold");
    assert.equal(upheld.scope, "site");
    assert.deepEqual(await states(site), ["active", "active"]);
  });

  it("keeps the appealed entry alone by default, and when asked to, leaving its siblings blocked", async () => {
    const ids = await siteOrder("alone");
    const first = await appeal("alone-allostreaming.net");
    const decided = await decide(first.id, "suspend");
    assert.equal(decided.scope, "entry");
    assert.deepEqual(decided.siblings, []);
    assert.deepEqual(await states([ids["alone-allostreaming.net"]!, ids["www.alone-allostreaming.net"]!]), [
      "suspended",
      "active",
    ]);
    const second = await appeal("www.alone-allostreaming.net");
    await decide(second.id, "suspend", "entry");
    assert.deepEqual(await states([ids["www.alone-allostreaming.net"]!]), ["suspended"]);
  });

  it("changes nothing at all when one sibling cannot be changed: all or none", async () => {
    const ids = await siteOrder("none");
    const www = ids["www.none-allostreaming.net"]!;
    const filed = await appeal("none-allostreaming.net");
    const eventsBefore = await eventCount();
    // The store itself refuses the sibling's update, as a failing disk or a concurrent writer would.
    await refuseUpdatesOf(store(), www);
    try {
      await assert.rejects(decide(filed.id, "suspend", "site"));
    } finally {
      await allowUpdates(store());
    }
    assert.deepEqual(
      await states([ids["none-allostreaming.net"]!, www, ids["https://none-allostreaming.net/film"]!]),
      ["active", "active", "active"],
    );
    assert.equal(await eventCount(), eventsBefore);
    const [listed] = (await listAppeals(store().db, { withContact: false })).filter(
      (one) => one.id === filed.id,
    );
    assert.equal(listed?.state, "open");
  });

  it("upholding a site leaves alone a sibling that another appeal holds suspended", async () => {
    const ids = await siteOrder("held");
    const site = [ids["held-allostreaming.net"]!, ids["www.held-allostreaming.net"]!];
    const main = await appeal("held-allostreaming.net");
    await decide(main.id, "suspend", "site");
    const other = await appeal("www.held-allostreaming.net");
    await decide(other.id, "suspend");
    const upheld = await decide(main.id, "uphold", "site");
    assert.deepEqual(
      upheld.siblings.map((one) => one.id),
      [ids["https://held-allostreaming.net/film"]],
    );
    assert.deepEqual(await states(site), ["active", "suspended"]);
  });

  async function releaseCount() {
    const row = await store()
      .db.selectFrom("releases")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function eventCount() {
    const row = await store()
      .db.selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
});

async function refuseUpdatesOf(store: Store, targetId: number) {
  if (store.dialect === "sqlite") {
    await sql
      .raw(
        `create trigger refuse_target_update before update on targets when old.id = ${targetId} ` +
          "begin select raise(abort, 'refused by the test'); end",
      )
      .execute(store.db);
    return;
  }
  await sql
    .raw(
      "create function refuse_target_update() returns trigger language plpgsql as " +
        "$$ begin raise exception 'refused by the test'; end $$",
    )
    .execute(store.db);
  await sql
    .raw(
      "create trigger refuse_target_update before update on targets for each row " +
        `when (old.id = ${targetId}) execute function refuse_target_update()`,
    )
    .execute(store.db);
}

async function allowUpdates(store: Store) {
  if (store.dialect === "sqlite") {
    await sql.raw("drop trigger refuse_target_update").execute(store.db);
    return;
  }
  await sql.raw("drop trigger refuse_target_update on targets").execute(store.db);
  await sql.raw("drop function refuse_target_update()").execute(store.db);
}

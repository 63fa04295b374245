import assert from "node:assert/strict";
import { it } from "node:test";
import { type Kysely, sql } from "kysely";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { approveTargets } from "../../test/support/published-zone.ts";
import { targetSite } from "./migrations/0029-target-site.ts";

describeEachEngine("the migration that gives each target its site", (store) => {
  it("fills the site of the targets stored before it, by the Public Suffix List", async () => {
    const names = [
      "allostreaming.net",
      "www.allostreaming.net",
      "https://www.allostreaming.net/film",
      "a.github.io",
      "www.bbc.co.uk",
    ];
    await approveTargets(store(), names);
    // The store as it was before the migration: no column, no index.
    await sql`drop index targets_order_site`.execute(store().db);
    await sql`alter table targets drop column site`.execute(store().db);
    await targetSite().up(store().db as unknown as Kysely<unknown>);
    const rows = await store()
      .db.selectFrom("targets")
      .select(["value", "site"])
      .where("value", "in", names)
      .orderBy("id")
      .execute();
    assert.deepEqual(
      rows.map((row) => [row.value, row.site]),
      [
        ["allostreaming.net", "allostreaming.net"],
        ["www.allostreaming.net", "allostreaming.net"],
        ["https://www.allostreaming.net/film", "allostreaming.net"],
        ["a.github.io", "a.github.io"],
        ["www.bbc.co.uk", "bbc.co.uk"],
      ],
    );
  });
});

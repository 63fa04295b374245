import assert from "node:assert/strict";
import { before, it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { loadDemo } from "../demo/load-demo.ts";
import { decideTargets } from "./decide-targets.ts";
import { searchEntries } from "./search-entries.ts";

const now = new Date("2026-11-28T12:00:00Z");

describeEachEngine("the public search of entries", (store) => {
  before(async () => {
    await loadDemo(store(), now);
    await decideTargets(store(), {
      decision: "suspend",
      refs: ["alloshare.com"],
      reason: "appeal filed",
      actor: "test",
      now,
    });
    const demo = await store().db.selectFrom("targets").selectAll().executeTakeFirstOrThrow();
    const { id: _id, ...row } = demo;
    await store()
      .db.insertInto("targets")
      .values({
        ...row,
        kind: "fqdn",
        value: "proposed-only.fr",
        input: "x",
        display: "x",
        state: "proposed",
      })
      .execute();
  });

  it("finds the domain entry above a name typed in any spelling, with its order, and says it is blocked", async () => {
    const found = await searchEntries(store().db, "  WWW.AlloStreaming.COM. ");
    assert.ok(found.ok);
    assert.equal(found.name, "www.allostreaming.com");
    assert.equal(found.blocked, true);
    assert.deepEqual(
      found.entries.map((entry) => [entry.value, entry.kind, entry.state, entry.order.caseNumber]),
      [["allostreaming.com", "domain", "active", "RG 11/60013"]],
    );
  });

  it("finds the host of a URL", async () => {
    const found = await searchEntries(store().db, "https://fifostream.tv/film?id=3");
    assert.ok(found.ok);
    assert.equal(found.blocked, true);
    assert.equal(found.entries[0]?.value, "fifostream.tv");
  });

  it("shows a suspended entry as not blocked, with its state", async () => {
    const found = await searchEntries(store().db, "alloshare.com");
    assert.ok(found.ok);
    assert.equal(found.blocked, false);
    assert.equal(found.entries[0]?.state, "suspended");
  });

  it("never shows a proposed target, and finds nothing for a name no entry reaches", async () => {
    for (const name of ["proposed-only.fr", "nothing-here.fr", "allostreaming.com.fr"]) {
      const found = await searchEntries(store().db, name);
      assert.ok(found.ok, name);
      assert.deepEqual(found.entries, [], name);
      assert.equal(found.blocked, false);
    }
  });

  it("says why a query cannot be an entry", async () => {
    assert.deepEqual(await searchEntries(store().db, "not a name!"), {
      ok: false,
      code: "TARGET_INVALID_CHARACTER",
    });
  });
});

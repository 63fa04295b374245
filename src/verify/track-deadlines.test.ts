import assert from "node:assert/strict";
import { before, it } from "node:test";
import { tokenFor } from "../../test/support/accounts.ts";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { approveTargets, suspendTargets } from "../../test/support/published-zone.ts";
import { duringOrder } from "../../test/support/sample-order.ts";
import { buildRelease } from "../publish/build-release.ts";
import { defaultRpzPolicy } from "../publish/rpz-policy.ts";
import { applyWindowClock } from "../registry/apply-window-clock.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { acknowledgeRelease } from "./acknowledge-release.ts";
import { addresseeKey, addresseeOrganisations } from "./addressee-organisations.ts";
import { listBreaches } from "./list-breaches.ts";
import { trackDeadlines } from "./track-deadlines.ts";

const minutes = (n: number) => n * 60_000;
const at = (offset: number) => new Date(duringOrder.getTime() + offset);

describeEachEngine("deadlines: addressees that do not acknowledge in time", (store) => {
  const organisations = new Map<string, number>();

  before(async () => {
    // Free's organisation is spelt as an admin might; the order says "Free".
    for (const [key, name, role] of [
      ["Orange", "Orange", "operator"],
      ["Free", "FREE ", "operator"],
      ["Google", "Google", "search-engine"],
      ["SFR", "SFR", "operator"],
    ] as const) {
      organisations.set(key, (await tokenFor(store(), role, name)).principal.organisationId);
    }
  });

  async function release(s: Store, when: Date) {
    const built = await buildRelease(s.db, s.dialect, defaultRpzPolicy, when);
    assert.ok(built, "a release was built");
    return built;
  }

  function ack(name: string, serial: number, when: Date) {
    return acknowledgeRelease(store(), serial, {
      organisationId: organisations.get(name)!,
      actor: `test:${name}`,
      now: when,
    });
  }

  it("matches addressees to organisations by name, ignoring case, width and spacing only", () => {
    assert.equal(addresseeKey("  Free "), addresseeKey("FREE"));
    assert.equal(addresseeKey("Ｏｒａｎｇｅ"), addresseeKey("orange"));
    assert.notEqual(addresseeKey("Orange SA"), addresseeKey("Orange"));
  });

  it("matches an addressee that names a kind to every organisation whose operator is of that kind", () => {
    const organisations = [
      { id: 1, name: "Orange", kind: "isp" },
      { id: 2, name: "NordVPN", kind: "vpn" },
      { id: 3, name: "Proton", kind: "vpn" },
      { id: 4, name: "Quad9", kind: "public-resolver" },
      { id: 5, name: "Google", kind: null },
    ];
    const addressed = addresseeOrganisations(
      [
        { name: "Orange", role: "operator" },
        { name: "the VPN providers", role: "operator", kind: "vpn" },
      ],
      organisations,
    );
    assert.deepEqual(
      addressed.map((o) => o.name),
      ["Orange", "NordVPN", "Proton"],
    );
  });

  it("flags, once, each addressee that did not acknowledge the release within the order's deadline", async () => {
    await trackDeadlines(store(), at(0));
    const order = {
      addressees: [
        { name: "Orange", role: "operator" },
        { name: "Free", role: "operator" },
        { name: "Google", role: "search-engine" },
        { name: "Bouygues Télécom", role: "operator" },
      ],
      deadline: "PT30M",
    };
    await approveTargets(store(), ["deadline-a.example-films.com"], order);
    const first = await release(store(), at(0));
    await approveTargets(store(), ["deadline-b.example-films.com"], order);
    const second = await release(store(), at(minutes(5)));
    // Orange applies the second release within the first one's deadline: serials are cumulative.
    await ack("Orange", second.serial, at(minutes(20)));
    // Free acknowledges, but late; Google never; SFR is no addressee of this order.
    await ack("Free", second.serial, at(minutes(50)));

    const early = await trackDeadlines(store(), at(minutes(29)));
    assert.equal(early.opened, 2);
    assert.deepEqual(early.breaches, []);

    const due = await trackDeadlines(store(), at(minutes(36)));
    const flagged = due.breaches.map((b) => [b.organisationId, b.serial]).sort();
    const expected = [
      [organisations.get("Free")!, first.serial],
      [organisations.get("Free")!, second.serial],
      [organisations.get("Google")!, first.serial],
      [organisations.get("Google")!, second.serial],
    ].sort();
    assert.deepEqual(flagged, expected);
    assert.equal(due.breaches[0]!.dueAt > at(minutes(29)).toISOString(), true);

    const again = await trackDeadlines(store(), at(minutes(60)));
    assert.deepEqual(again.breaches, []);
    const listed = await listBreaches(store().db, {});
    assert.equal(listed.breaches.length, 4);
    assert.deepEqual([...new Set(listed.breaches.map((b) => b.organisationName))].sort(), ["FREE", "Google"]);
    const googleOnly = await listBreaches(store().db, { organisationId: organisations.get("Google")! });
    assert.equal(googleOnly.breaches.length, 2);
    const events = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("action", "=", "order.deadline-missed")
      .execute();
    assert.equal(events.length, 4);
    assert.equal(events[0]!.actor, "system:deadlines");
  });

  it("opens no deadline for a release that only takes entries out", async () => {
    const ids = await approveTargets(store(), ["removed-later.example-films.com"], { deadline: "PT1M" });
    await release(store(), at(minutes(100)));
    await trackDeadlines(store(), at(minutes(100)));
    await suspendTargets(store(), ids);
    await release(store(), at(minutes(101)));
    const run = await trackDeadlines(store(), at(minutes(101)));
    assert.equal(run.opened, 0);
  });

  it("reads a release's events a few at a time past a cursor, and opens each deadline once", async () => {
    await trackDeadlines(store(), at(minutes(110)));
    const names = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix}${i}.example-films.com`);
    await approveTargets(store(), names("paged-a", 6), { deadline: "PT10M" });
    await approveTargets(store(), names("paged-b", 3), { deadline: "PT20M" });
    await release(store(), at(minutes(111)));
    let opened = 0;
    let runs = 0;
    for (; runs < 200; runs++) {
      const run = await trackDeadlines(store(), at(minutes(111)), { eventBudget: 2 });
      opened += run.opened;
      const cursor = await store()
        .db.selectFrom("job_cursors")
        .select("value")
        .where("name", "=", "deadlines.release")
        .executeTakeFirst();
      const latest = await store()
        .db.selectFrom("releases")
        .select("id")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirstOrThrow();
      if (Number(cursor?.value) === Number(latest.id)) break;
    }
    assert.ok(runs > 3, `the release's events took several runs (${runs + 1})`);
    assert.equal(opened, 2, "one deadline per order");
    assert.equal((await trackDeadlines(store(), at(minutes(112)), { eventBudget: 2 })).opened, 0);
  });

  it("reads a run's events in short transactions and lets the event loop turn between them", async () => {
    await trackDeadlines(store(), at(minutes(120)));
    const names = Array.from({ length: 8 }, (_, i) => `short-tx${i}.example-films.com`);
    await approveTargets(store(), names, { deadline: "PT10M" });
    await release(store(), at(minutes(121)));
    const order: string[] = [];
    // A request that arrives while the job reads: it is served between two transactions, not after the run.
    setImmediate(() => order.push("a decision's request"));
    const run = await trackDeadlines(store(), at(minutes(121)), {
      eventBudget: 100,
      eventsPerTransaction: 2,
    });
    order.push("the deadline run");
    assert.deepEqual(order, ["a decision's request", "the deadline run"]);
    assert.equal(run.opened, 1, "one deadline for the order, read across transactions");
  });

  it("opens a windowed order's deadline when its window opens, and breaches it only inside a window", async () => {
    await trackDeadlines(store(), at(minutes(190)));
    const window = (from: number, until: number) => ({
      from: at(minutes(from)).toISOString(),
      until: at(minutes(until)).toISOString(),
    });
    const order = { deadline: "PT30M", windows: [window(210, 215), window(300, 400)] };
    await approveTargets(store(), ["live-match.example-films.com"], order);
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, at(minutes(200)));
    const outside = await trackDeadlines(store(), at(minutes(200)));
    assert.equal(outside.opened, 0, "approved outside its windows: nothing to apply yet");

    const open = async (minute: number) => {
      await inTransaction(store().db, (trx) => applyWindowClock(trx, at(minutes(minute))));
      await release(store(), at(minutes(minute)));
      return trackDeadlines(store(), at(minutes(minute)));
    };
    assert.equal((await open(210)).opened, 1);
    await open(215);
    // Due at 240, after the short window ended at 215: no operator failed the order.
    assert.deepEqual((await trackDeadlines(store(), at(minutes(250)))).breaches, []);

    assert.equal((await open(300)).opened, 1);
    // Due at 330, inside the window that runs to 400: the addressees that did not apply it are flagged.
    const due = await trackDeadlines(store(), at(minutes(331)));
    assert.deepEqual(
      due.breaches.map((b) => b.organisationId).sort(),
      [organisations.get("Orange")!, organisations.get("Google")!].sort(),
    );
  });
});

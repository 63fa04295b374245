import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { matchCalendar } from "../../test/support/match-calendar.ts";
import { sampleOrder } from "../../test/support/sample-order.ts";
import { isDecreeError } from "../errors/decree-error.ts";
import { addWindows } from "../intake/add-windows.ts";
import { findOrder } from "../intake/find-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { windowRequests } from "../intake/window-requests.ts";
import { withdrawWindow } from "../intake/withdraw-window.ts";
import { applyWindowClock, nextWindowEdge } from "../registry/apply-window-clock.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import { inZoneNow } from "../registry/in-zone-now.ts";
import { showPublicOrder } from "../registry/public-orders.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { windowEventActions } from "../vocabulary/vocabulary.ts";
import { buildRelease } from "./build-release.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";

const actor = "test:authority";
const before = new Date("2026-06-01T12:00:00Z");
const match = { from: "2026-06-01T19:00:00Z", until: "2026-06-01T21:00:00Z", label: "Match day 1" };

async function owners(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom("zone_records").select("owner").execute();
  return rows.map((row) => row.owner).sort();
}

async function tick(store: Store, at: Date) {
  const changes = await inTransaction(store.db, (trx) => applyWindowClock(trx, at));
  await buildRelease(store.db, store.dialect, defaultRpzPolicy, at);
  return changes;
}

async function counts(store: Store) {
  const [windows, events] = await Promise.all(
    (["blocking_windows", "events"] as const).map((table) =>
      store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
    ),
  );
  return { windows: Number(windows!.n), events: Number(events!.n) };
}

async function refusal(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    if (isDecreeError(error)) return error.code;
    throw error;
  }
  assert.fail("expected a refusal");
}

describeEachEngine("blocking windows", (store) => {
  it("serves a name and an address only inside the order's window, and withdraws them when it ends", async () => {
    const { order, targets, windows } = await recordOrder(
      store(),
      sampleOrder({
        measures: ["dns-block", "ip-block"],
        targets: ["live.pirate-streams.tv", "185.100.87.77"],
        windows: [match],
      }),
      { actor, now: before },
    );
    assert.equal(windows.length, 1);
    assert.equal(windows[0]!.state, "scheduled");
    const refs = targets!.added.map((t) => String(t.id));
    await decideTargets(store(), { decision: "approve", refs, reason: "ordered", actor, now: before });
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, before);
    assert.deepEqual(await owners(store()), [], "approved and active, but outside its window: not served");
    assert.equal((await nextWindowEdge(store().db))?.toISOString(), "2026-06-01T19:00:00.000Z");

    const opened = await tick(store(), new Date("2026-06-01T19:00:00Z"));
    assert.deepEqual(
      opened.map((c) => c.to),
      ["open"],
    );
    assert.deepEqual(await owners(store()), ["32.77.87.100.185.rpz-ip", "live.pirate-streams.tv"]);
    assert.equal((await nextWindowEdge(store().db))?.toISOString(), "2026-06-01T21:00:00.000Z");

    await tick(store(), new Date("2026-06-01T21:00:00Z"));
    assert.deepEqual(await owners(store()), [], "the window's end withdraws both, with no one acting");
    const events = await store()
      .db.selectFrom("events")
      .select(["action", "from_state", "to_state", "actor"])
      .where("subject_type", "=", "order")
      .where("subject_id", "=", order.id)
      .where("action", "in", windowEventActions)
      .orderBy("id")
      .execute();
    assert.deepEqual(
      events.map((e) => [e.action, e.from_state, e.to_state, e.actor]),
      [
        ["order.window-added", null, "scheduled", actor],
        ["order.window-opened", "scheduled", "open", "system:clock"],
        ["order.window-closed", "open", "closed", "system:clock"],
      ],
    );
    const publicView = await showPublicOrder(store().db, order.id, before);
    assert.equal(publicView.windows[0]?.label, "Match day 1");
    assert.equal(publicView.windows[0]?.state, "closed");
  });

  it("lets a target's own windows replace its order's, and an order without windows serve at all times", async () => {
    const { order, targets } = await recordOrder(
      store(),
      sampleOrder({
        measures: ["dns-block"],
        targets: ["own.windowed-streams.tv", "order.windowed-streams.tv"],
      }),
      { actor, now: before },
    );
    const [own, ofOrder] = targets!.added;
    await decideTargets(store(), {
      decision: "approve",
      refs: [String(own!.id), String(ofOrder!.id)],
      reason: "ordered",
      actor,
      now: before,
    });
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, before);
    assert.ok((await owners(store())).includes("own.windowed-streams.tv"));
    await inTransaction(store().db, async (trx) => {
      await addWindows(
        trx,
        order,
        windowRequests({ windows: [match] }, { until: new Date(order.validUntil), source: "t" }),
        {
          actor,
          now: before,
        },
      );
      await addWindows(
        trx,
        order,
        [{ startsAt: "2026-06-01T11:00:00Z", endsAt: "2026-06-01T13:00:00Z", source: "explicit" }],
        { actor, now: before, targetId: own!.id },
      );
    });
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, before);
    const served = await owners(store());
    assert.ok(served.includes("own.windowed-streams.tv"), "its own window is open");
    assert.ok(!served.includes("order.windowed-streams.tv"), "the order's window is not open yet");
    assert.equal(inZoneNow({ state: "active", own: [], order: [] }), true);
    assert.equal(
      inZoneNow({ state: "active", own: [{ state: "closed" }], order: [{ state: "open" }] }),
      false,
    );
    assert.equal(inZoneNow({ state: "suspended", own: [], order: [{ state: "open" }] }), false);
  });

  it("withdrawing an order's only window serves its entries at all times again", async () => {
    const { order, targets, windows } = await recordOrder(
      store(),
      sampleOrder({ measures: ["dns-block"], targets: ["withdrawn-window.streams.tv"], windows: [match] }),
      { actor, now: before },
    );
    await decideTargets(store(), {
      decision: "approve",
      refs: [String(targets!.added[0]!.id)],
      reason: "ordered",
      actor,
      now: before,
    });
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, before);
    assert.ok(!(await owners(store())).includes("withdrawn-window.streams.tv"));
    await inTransaction(store().db, (trx) =>
      withdrawWindow(trx, order, windows[0]!.id, { actor, now: before }),
    );
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, before);
    assert.ok((await owners(store())).includes("withdrawn-window.streams.tv"));
    assert.equal(
      await refusal(() =>
        inTransaction(store().db, (trx) =>
          withdrawWindow(trx, order, windows[0]!.id, { actor, now: before }),
        ),
      ),
      "WINDOW_NOT_FOUND",
    );
  });

  it("stores an iCalendar file of three matches as three windows", async () => {
    const ics = matchCalendar([
      { uid: "a@liga", summary: "A – B", start: new Date("2026-06-06T19:00:00Z"), minutes: 105 },
      { uid: "b@liga", summary: "C – D", start: new Date("2026-06-07T17:00:00Z"), minutes: 105 },
      { uid: "c@liga", summary: "E – F", start: new Date("2026-06-08T19:30:00Z"), minutes: 105 },
    ]);
    const { windows } = await recordOrder(
      store(),
      sampleOrder({ calendar: { ics, marginBefore: "15m", marginAfter: "30m" } }),
      { actor, now: before },
    );
    assert.deepEqual(
      windows.map((w) => [w.label, w.startsAt, w.endsAt, w.marginBeforeSeconds, w.marginAfterSeconds]),
      [
        ["A – B", "2026-06-06T18:45:00.000Z", "2026-06-06T21:15:00.000Z", 900, 1800],
        ["C – D", "2026-06-07T16:45:00.000Z", "2026-06-07T19:15:00.000Z", 900, 1800],
        ["E – F", "2026-06-08T19:15:00.000Z", "2026-06-08T21:45:00.000Z", 900, 1800],
      ],
    );
  });

  it("refuses overlapping, inverted and out-of-validity windows and malformed calendars, storing nothing", async () => {
    const { order } = await recordOrder(store(), sampleOrder(), { actor, now: before });
    await inTransaction(store().db, (trx) =>
      addWindows(
        trx,
        order,
        windowRequests({ windows: [match] }, { until: new Date(order.validUntil), source: "t" }),
        {
          actor,
          now: before,
        },
      ),
    );
    const stored = await counts(store());
    const add = (windows: Array<{ from: string; until: string }>, ics?: string) =>
      inTransaction(store().db, async (trx) =>
        addWindows(
          trx,
          await findOrder(trx, order.id),
          windowRequests(
            { windows, ...(ics ? { calendar: { ics } } : {}) },
            { until: new Date(order.validUntil), source: "matches.ics" },
          ),
          { actor, now: before },
        ),
      );
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["WINDOW_OVERLAP", () => add([{ from: "2026-06-01T20:00:00Z", until: "2026-06-01T22:00:00Z" }])],
      [
        "WINDOW_OVERLAP",
        () =>
          add([
            { from: "2026-07-01T19:00:00Z", until: "2026-07-01T21:00:00Z" },
            { from: "2026-07-01T20:59:00Z", until: "2026-07-01T23:00:00Z" },
          ]),
      ],
      ["WINDOW_INVERTED", () => add([{ from: "2026-07-02T21:00:00Z", until: "2026-07-02T19:00:00Z" }])],
      ["WINDOW_INVERTED", () => add([{ from: "2026-07-02T21:00:00Z", until: "2026-07-02T21:00:00Z" }])],
      [
        "WINDOW_OUTSIDE_VALIDITY",
        () => add([{ from: "2025-12-31T23:00:00Z", until: "2026-01-01T01:00:00Z" }]),
      ],
      [
        "WINDOW_OUTSIDE_VALIDITY",
        () => add([{ from: "2026-12-31T23:00:00Z", until: "2027-01-01T01:00:00Z" }]),
      ],
      ["ICAL_INVALID", () => add([], "BEGIN:VCALENDAR\r\nnonsense\r\n")],
    ];
    for (const [code, work] of cases) {
      assert.equal(await refusal(work), code);
      assert.deepEqual(await counts(store()), stored, `${code}: nothing stored`);
    }
    // Touching is not overlapping: windows are half-open.
    await add([{ from: "2026-06-01T21:00:00Z", until: "2026-06-01T22:00:00Z" }]);
    assert.equal((await counts(store())).windows, stored.windows + 1);
  });

  it("stores a target's own windows from the order file, and serves that target only inside them", async () => {
    const { targets, windows } = await recordOrder(
      store(),
      sampleOrder({
        measures: ["dns-block"],
        targets: [
          "all-week.streams-en-vivo.tv",
          {
            value: "match-only.streams-en-vivo.tv",
            windows: [{ from: "2026-06-01T19:00:00Z", until: "2026-06-01T21:00:00Z" }],
          },
        ],
      }),
      { actor, now: before },
    );
    const windowed = targets!.added.find((t) => t.value === "match-only.streams-en-vivo.tv")!;
    assert.deepEqual(
      windows.map((w) => w.targetId),
      [windowed.id],
    );
    await decideTargets(store(), {
      decision: "approve",
      refs: targets!.added.map((t) => String(t.id)),
      reason: "ordered",
      actor,
      now: before,
    });
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, before);
    const served = await owners(store());
    assert.ok(served.includes("all-week.streams-en-vivo.tv"));
    assert.ok(!served.includes("match-only.streams-en-vivo.tv"));
  });
});

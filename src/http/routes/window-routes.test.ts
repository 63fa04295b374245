import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { matchCalendar } from "../../../test/support/match-calendar.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { bearer } from "../../../test/support/workflow.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { windowEventActions } from "../../vocabulary/vocabulary.ts";
import { buildApp } from "../build-app.ts";

describeEachEngine("blocking windows over HTTP", (store) => {
  let app: FastifyInstance;
  let applicant: string;
  let otherApplicant: string;
  let authority: string;
  let operator: string;

  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder });
    applicant = (await tokenFor(store(), "applicant", "LaLiga")).token;
    otherApplicant = (await tokenFor(store(), "applicant", "Another club")).token;
    authority = (await tokenFor(store(), "authority", "CNMC")).token;
    operator = (await tokenFor(store(), "operator", "Telefónica")).token;
  });
  after(() => app.close());

  async function submit(token: string, overrides: Record<string, unknown> = {}) {
    const res = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(token),
      payload: sampleOrder({ measures: ["dns-block", "ip-block"], ...overrides }),
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { order: { id: number }; targets: { added: Array<{ id: number }> } | null };
  }

  const addWindows = (token: string | undefined, orderId: number, payload: unknown) =>
    app.inject({
      method: "POST",
      url: `/orders/${orderId}/windows`,
      headers: token ? bearer(token) : {},
      payload: payload as Record<string, unknown>,
    });

  const stored = async (orderId: number) =>
    (await app.inject({ url: `/orders/${orderId}/windows`, headers: bearer(authority) })).json().windows
      .length as number;

  it("lets the rights holder add windows to its own order only, and an authority to any", async () => {
    const { order } = await submit(applicant);
    const match = {
      from: "2026-06-06T18:45:00Z",
      until: "2026-06-06T21:15:00Z",
      label: "Real Madrid – Barcelona",
    };
    const mine = await addWindows(applicant, order.id, { windows: [match] });
    assert.equal(mine.statusCode, 201, mine.body);
    assert.equal(mine.json().windows[0].state, "scheduled");
    // Another organisation's order is answered as a missing one.
    const theirs = await addWindows(otherApplicant, order.id, {
      windows: [{ from: "2026-06-07T18:45:00Z", until: "2026-06-07T21:15:00Z" }],
    });
    assert.equal(theirs.statusCode, 404);
    assert.equal(theirs.json().code, "ORDER_NOT_FOUND");
    assert.equal((await addWindows(operator, order.id, { windows: [match] })).statusCode, 403);
    assert.equal((await addWindows(undefined, order.id, { windows: [match] })).statusCode, 401);
    const ics = matchCalendar([
      { uid: "a@liga", summary: "Sevilla – Betis", start: new Date("2026-06-07T17:00:00Z"), minutes: 105 },
      {
        uid: "b@liga",
        summary: "Valencia – Villarreal",
        start: new Date("2026-06-08T19:30:00Z"),
        minutes: 105,
      },
    ]);
    const calendar = await addWindows(authority, order.id, {
      calendar: { ics, marginBefore: "15m", marginAfter: "30m" },
      reason: "the CNMC's fixture list",
    });
    assert.equal(calendar.statusCode, 201, calendar.body);
    assert.equal(await stored(order.id), 3);
  });

  it("refuses bad windows with their codes and stores nothing", async () => {
    const { order } = await submit(authority);
    await addWindows(authority, order.id, {
      windows: [{ from: "2026-06-01T19:00:00Z", until: "2026-06-01T21:00:00Z" }],
    });
    const cases: Array<[string, unknown]> = [
      ["WINDOW_OVERLAP", { windows: [{ from: "2026-06-01T20:00:00Z", until: "2026-06-01T22:00:00Z" }] }],
      ["WINDOW_INVERTED", { windows: [{ from: "2026-06-02T21:00:00Z", until: "2026-06-02T19:00:00Z" }] }],
      [
        "WINDOW_OUTSIDE_VALIDITY",
        { windows: [{ from: "2027-06-02T19:00:00Z", until: "2027-06-02T21:00:00Z" }] },
      ],
      ["ICAL_INVALID", { calendar: { ics: "BEGIN:VCALENDAR\r\nnot a line\r\n" } }],
      ["WINDOW_MARGIN_INVALID", { calendar: { ics: matchCalendar([]), marginBefore: "a while" } }],
      ["REQUEST_INVALID", {}],
    ];
    for (const [code, payload] of cases) {
      const res = await addWindows(authority, order.id, payload);
      assert.equal(res.statusCode, code === "REQUEST_INVALID" ? 400 : 422, res.body);
      assert.equal(res.json().code, code);
      assert.equal(await stored(order.id), 1, `${code}: nothing stored`);
    }
  });

  it("shows the public an order's windows with its entries, and withdraws one with its event", async () => {
    const { order, targets } = await submit(authority, { targets: ["partido.futbol-libre.tv"] });
    await decideTargets(store(), {
      decision: "approve",
      refs: targets!.added.map((t) => String(t.id)),
      reason: "ordered",
      actor: "test",
      now: duringOrder,
    });
    const search = async () =>
      (await app.inject({ url: "/public/entries?q=partido.futbol-libre.tv" })).json() as {
        blocked: boolean;
        entries: Array<{ blockedNow: boolean }>;
      };
    assert.equal((await search()).blocked, true, "no windows: blocked at all times");
    await addWindows(authority, order.id, {
      windows: [{ from: "2026-06-08T18:00:00Z", until: "2026-06-08T20:00:00Z", label: "Next week" }],
    });
    const outside = await search();
    assert.equal(outside.blocked, false, "active, but outside its order's windows");
    assert.equal(outside.entries[0]?.blockedNow, false);
    const added = await addWindows(authority, order.id, {
      windows: [{ from: "2026-06-01T11:00:00Z", until: "2026-06-01T13:00:00Z", label: "Live now" }],
    });
    assert.equal((await search()).blocked, true, "inside a window");
    assert.equal(added.json().windows[0].state, "open", "a window that already began opens at once");
    const publicOrder = (await app.inject({ url: `/public/orders/${order.id}` })).json();
    assert.equal(publicOrder.windows[0].label, "Live now", "the earliest window first");
    assert.equal(publicOrder.windows[0].createdBy, undefined, "who added it stays in the log");
    const publicWindows = await app.inject({ url: `/public/orders/${order.id}/windows` });
    assert.equal(publicWindows.statusCode, 200);
    assert.equal(publicWindows.json().windows.length, 2);
    const shown = (await app.inject({ url: `/orders/${order.id}` })).json();
    assert.equal(shown.windows.length, 2);

    const id = added.json().windows[0].id;
    const withdrawn = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/windows/${id}/withdraw`,
      headers: bearer(authority),
      payload: { reason: "match postponed" },
    });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(withdrawn.json().state, "withdrawn");
    assert.equal((await search()).blocked, false, "the open window withdrawn, the next one still to come");
    const again = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/windows/${id}/withdraw`,
      headers: bearer(authority),
    });
    assert.equal(again.json().code, "WINDOW_NOT_FOUND");
    const events = await store()
      .db.selectFrom("events")
      .select(["action", "reason"])
      .where("subject_type", "=", "order")
      .where("subject_id", "=", order.id)
      .where("action", "in", windowEventActions)
      .execute();
    assert.deepEqual(
      events.map((e) => [e.action, e.reason]),
      [
        ["order.window-added", null],
        ["order.window-added", null],
        ["order.window-withdrawn", "match postponed"],
      ],
    );
  });

  it("restricts one target by windows of its own, and refuses a target of another order", async () => {
    const { order, targets } = await submit(authority, {
      targets: ["uno.futbol-libre.tv", "dos.futbol-libre.tv"],
    });
    const other = await submit(authority, { targets: ["tres.futbol-libre.tv"] });
    const window = { from: "2026-06-10T18:00:00Z", until: "2026-06-10T20:00:00Z" };
    const own = await addWindows(authority, order.id, { windows: [window], targetId: targets!.added[0]!.id });
    assert.equal(own.statusCode, 201, own.body);
    assert.equal(own.json().windows[0].targetId, targets!.added[0]!.id);
    // The same interval for the order itself does not overlap the target's own: they restrict different things.
    assert.equal((await addWindows(authority, order.id, { windows: [window] })).statusCode, 201);
    const stranger = await addWindows(authority, order.id, {
      windows: [window],
      targetId: other.targets!.added[0]!.id,
    });
    assert.equal(stranger.statusCode, 404);
    assert.equal(stranger.json().code, "TARGET_NOT_FOUND");
    assert.equal(await stored(order.id), 2);
  });

  it("refuses an order submitted with a malformed calendar or overlapping windows, storing no order", async () => {
    const orders = async () =>
      Number(
        (
          await store()
            .db.selectFrom("orders")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await orders();
    for (const [code, overrides] of [
      ["ICAL_INVALID", { calendar: { ics: "BEGIN:VCALENDAR\r\nno colon here\r\n" } }],
      [
        "WINDOW_OVERLAP",
        {
          windows: [
            { from: "2026-06-01T19:00:00Z", until: "2026-06-01T21:00:00Z" },
            { from: "2026-06-01T20:00:00Z", until: "2026-06-01T22:00:00Z" },
          ],
        },
      ],
    ] as const) {
      const res = await app.inject({
        method: "POST",
        url: "/orders",
        headers: bearer(authority),
        payload: sampleOrder({ targets: ["siete.futbol-libre.tv"], ...overrides }),
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json().code, code);
      assert.equal(await orders(), before, `${code}: no order stored`);
    }
  });
});

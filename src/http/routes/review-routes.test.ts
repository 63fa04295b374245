import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { bearer, workflowCounts } from "../../../test/support/workflow.ts";
import { buildRelease } from "../../publish/build-release.ts";
import { defaultRpzPolicy } from "../../publish/rpz-policy.ts";
import { applyDueApprovals } from "../../registry/apply-due-approvals.ts";
import { buildApp } from "../build-app.ts";

const windowMs = 60_000;

describeEachEngine("the review queue and decisions over HTTP", (store) => {
  let app: FastifyInstance;
  let windowed: FastifyInstance;
  let clock = duringOrder;
  let pokes = 0;
  let authority: string;
  let applicant: string;

  before(async () => {
    app = await buildApp({ store: store(), now: () => clock, onRegistryChange: () => pokes++ });
    windowed = await buildApp({
      store: store(),
      now: () => clock,
      approvalCancelWindowMs: windowMs,
      onRegistryChange: () => pokes++,
    });
    authority = (await tokenFor(store(), "authority")).token;
    applicant = (await tokenFor(store(), "applicant")).token;
  });
  after(async () => {
    await app.close();
    await windowed.close();
  });

  /** An order submitted by the applicant with these targets, confirmed unless told otherwise; the targets' ids. */
  async function proposed(targets: string[], confirm = true): Promise<number[]> {
    const res = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(applicant),
      payload: sampleOrder({ targets }),
    });
    assert.equal(res.statusCode, 201, res.body);
    if (confirm) {
      const confirmed = await app.inject({
        method: "POST",
        url: `/orders/${res.json().order.id}/confirm`,
        headers: bearer(authority),
      });
      assert.equal(confirmed.statusCode, 200);
    }
    return res.json().targets.added.map((t: { id: number }) => t.id);
  }

  async function stateOf(id: number): Promise<string> {
    const row = await store()
      .db.selectFrom("targets")
      .select("state")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return row.state;
  }

  async function queueIds(query = ""): Promise<number[]> {
    const res = await app.inject({ url: `/review/queue${query}`, headers: bearer(authority) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().targets.map((t: { id: number }) => t.id);
  }

  it("lists proposed targets with their order, oldest first, a page at a time", async () => {
    const first = await proposed(["queue-a.example-films.com", "queue-b.example-films.com"]);
    const second = await proposed(["queue-c.example-films.com"], false);
    const all = await queueIds("?limit=1000");
    assert.deepEqual(
      all.filter((id) => [...first, ...second].includes(id)),
      [...first, ...second],
    );
    const page = await app.inject({ url: "/review/queue?limit=1", headers: bearer(authority) });
    const [item] = page.json().targets;
    assert.equal(item.state, "proposed");
    assert.equal(typeof item.order.caseNumber, "string");
    const next = await queueIds(`?limit=1&after=${page.json().next.after}`);
    assert.ok(next[0]! > item.id);
    assert.deepEqual(await queueIds("?confirmed=false&limit=1000"), second);
    const forbidden = await app.inject({ url: "/review/queue", headers: bearer(applicant) });
    assert.equal(forbidden.statusCode, 403);
  });

  it("approves a target with its reason, publishes it, and takes it out of the queue", async () => {
    const [id] = await proposed(["approve-me.example-films.com"]);
    const before = pokes;
    const res = await app.inject({
      method: "POST",
      url: `/targets/${id}/decision`,
      headers: bearer(authority),
      payload: { decision: "approve", reason: "named in the order" },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json().targets.map((t: { from: string; to: string }) => [t.from, t.to]),
      [["proposed", "active"]],
    );
    assert.equal(pokes, before + 1);
    assert.equal(await stateOf(id!), "active");
    assert.ok(!(await queueIds("?limit=1000")).includes(id!));
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("subject_id", "=", id!)
      .where("action", "=", "target.approved")
      .executeTakeFirstOrThrow();
    assert.equal(event.reason, "named in the order");
    assert.match(event.actor, /^user:\d+$/);
  });

  it("requires a reason, and refuses to approve targets of an order nobody confirmed", async () => {
    const [unconfirmed] = await proposed(["unconfirmed.example-films.com"], false);
    const [confirmed] = await proposed(["reasonless.example-films.com"]);
    const before = await workflowCounts(store());
    const noReason = await app.inject({
      method: "POST",
      url: `/targets/${confirmed}/decision`,
      headers: bearer(authority),
      payload: { decision: "approve", reason: "  " },
    });
    assert.equal(noReason.json().code, "REASON_REQUIRED");
    const res = await app.inject({
      method: "POST",
      url: `/targets/${unconfirmed}/decision`,
      headers: bearer(authority),
      payload: { decision: "approve", reason: "looks right" },
    });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, "ORDER_NOT_CONFIRMED");
    assert.deepEqual(await workflowCounts(store()), before);
    // Rejecting needs no confirmation: refusing a target can do no harm.
    const rejected = await app.inject({
      method: "POST",
      url: `/targets/${unconfirmed}/decision`,
      headers: bearer(authority),
      payload: { decision: "reject", reason: "not in the decision" },
    });
    assert.equal(rejected.statusCode, 200);
  });

  it("decides in bulk all or none: one refused target leaves every other as it was", async () => {
    const ids = await proposed(["bulk-a.example-films.com", "bulk-b.example-films.com"]);
    const before = await workflowCounts(store());
    const refused = await app.inject({
      method: "POST",
      url: "/targets/decisions",
      headers: bearer(authority),
      payload: { decision: "approve", targets: [...ids, 999_999], reason: "ordered" },
    });
    assert.equal(refused.statusCode, 404);
    assert.equal(refused.json().code, "TARGET_NOT_FOUND");
    assert.deepEqual(await workflowCounts(store()), before);
    const res = await app.inject({
      method: "POST",
      url: "/targets/decisions",
      headers: bearer(authority),
      payload: { decision: "approve", targets: ids, reason: "ordered" },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await Promise.all(ids.map(stateOf)), ["active", "active"]);
    const suspended = await app.inject({
      method: "POST",
      url: "/targets/decisions",
      headers: bearer(authority),
      payload: { decision: "suspend", targets: ids, reason: "appeal filed" },
    });
    assert.equal(suspended.statusCode, 200);
    assert.deepEqual(await Promise.all(ids.map(stateOf)), ["suspended", "suspended"]);
  });

  it("holds an approval for the cancel window: nothing is published, and a cancellation puts it back", async () => {
    const [id] = await proposed(["windowed.example-films.com"]);
    await buildRelease(store().db, store().dialect, defaultRpzPolicy, clock);
    const held = await windowed.inject({
      method: "POST",
      url: `/targets/${id}/decision`,
      headers: bearer(authority),
      payload: { decision: "approve", reason: "ordered" },
    });
    assert.equal(held.statusCode, 202, held.body);
    assert.equal(held.json().effectiveAt, new Date(clock.getTime() + windowMs).toISOString());
    assert.equal(await stateOf(id!), "proposed");
    assert.ok(!(await queueIds("?limit=1000")).includes(id!));
    // The held approval changes no zone record: no release is made.
    assert.equal(await buildRelease(store().db, store().dialect, defaultRpzPolicy, clock), null);
    const twice = await windowed.inject({
      method: "POST",
      url: `/targets/${id}/decision`,
      headers: bearer(authority),
      payload: { decision: "reject", reason: "changed my mind" },
    });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().code, "APPROVAL_PENDING");
    const cancelled = await windowed.inject({
      method: "POST",
      url: `/targets/${id}/cancel-approval`,
      headers: bearer(authority),
      payload: { reason: "wrong order" },
    });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(await stateOf(id!), "proposed");
    assert.ok((await queueIds("?limit=1000")).includes(id!));
    clock = new Date(clock.getTime() + 2 * windowMs);
    const due = await applyDueApprovals(store(), clock);
    assert.ok(!due.applied.includes(id!));
    assert.equal(await stateOf(id!), "proposed");
  });

  it("applies an approval when its window ends, as its author, and then it can no longer be cancelled", async () => {
    const [id] = await proposed(["takes-effect.example-films.com"]);
    const held = await windowed.inject({
      method: "POST",
      url: "/targets/decisions",
      headers: bearer(authority),
      payload: { decision: "approve", targets: [id], reason: "ordered, after the window" },
    });
    assert.equal(held.statusCode, 202);
    assert.deepEqual(await applyDueApprovals(store(), new Date(clock.getTime() + windowMs - 1)), {
      applied: [],
      superseded: [],
    });
    clock = new Date(clock.getTime() + windowMs);
    const late = await windowed.inject({
      method: "POST",
      url: `/targets/${id}/cancel-approval`,
      headers: bearer(authority),
    });
    assert.equal(late.statusCode, 409);
    assert.equal(late.json().code, "APPROVAL_WINDOW_CLOSED");
    const due = await applyDueApprovals(store(), clock);
    assert.deepEqual(due.applied, [id]);
    assert.equal(await stateOf(id!), "active");
    const approved = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("subject_id", "=", id!)
      .where("action", "=", "target.approved")
      .executeTakeFirstOrThrow();
    assert.equal(approved.reason, "ordered, after the window");
    assert.match(approved.actor, /^user:\d+$/);
    assert.ok(await buildRelease(store().db, store().dialect, defaultRpzPolicy, clock));
    const nothing = await windowed.inject({
      method: "POST",
      url: `/targets/${id}/cancel-approval`,
      headers: bearer(authority),
    });
    assert.equal(nothing.json().code, "APPROVAL_WINDOW_CLOSED");
  });

  it("supersedes a held approval whose target was rejected meanwhile from the shell, and applies the others", async () => {
    const ids = await proposed(["held-a.example-films.com", "held-b.example-films.com"]);
    await windowed.inject({
      method: "POST",
      url: "/targets/decisions",
      headers: bearer(authority),
      payload: { decision: "approve", targets: ids, reason: "ordered" },
    });
    // What the shell could do meanwhile: settle a row behind the API's back.
    await store()
      .db.updateTable("scheduled_approvals")
      .set({ state: "cancelled" })
      .where("target_id", "=", ids[0]!)
      .execute();
    await store().db.updateTable("targets").set({ state: "rejected" }).where("id", "=", ids[0]!).execute();
    await store()
      .db.updateTable("scheduled_approvals")
      .set({ state: "pending" })
      .where("target_id", "=", ids[0]!)
      .execute();
    clock = new Date(clock.getTime() + windowMs);
    const due = await applyDueApprovals(store(), clock);
    assert.deepEqual(due.applied, [ids[1]]);
    assert.deepEqual(
      due.superseded.map((s) => [s.targetId, s.code]),
      [[ids[0], "TARGET_TRANSITION_INVALID"]],
    );
    assert.equal(await stateOf(ids[1]!), "active");
  });

  it("answers a cancellation with nothing to cancel with 404, and an unknown target with 404", async () => {
    const [id] = await proposed(["never-approved.example-films.com"]);
    const none = await windowed.inject({
      method: "POST",
      url: `/targets/${id}/cancel-approval`,
      headers: bearer(authority),
    });
    assert.equal(none.json().code, "APPROVAL_NOT_FOUND");
    const missing = await windowed.inject({
      method: "POST",
      url: "/targets/999999/cancel-approval",
      headers: bearer(authority),
    });
    assert.equal(missing.json().code, "TARGET_NOT_FOUND");
  });
  it("renews an entry to a later end for the authority only, and refuses a renewal past the order with 422", async () => {
    const [id] = await proposed(["renew-http.example-films.com"]);
    const approved = await app.inject({
      method: "POST",
      url: `/targets/${id}/decision`,
      headers: bearer(authority),
      payload: { decision: "approve", reason: "clean" },
    });
    assert.equal(approved.statusCode, 200, approved.body);
    const before = pokes;
    const refused = await app.inject({
      method: "POST",
      url: `/targets/${id}/renewal`,
      headers: bearer(applicant),
      payload: { until: "2026-12-01", reason: "still infringing" },
    });
    assert.equal(refused.statusCode, 403);
    // The sample order runs to 2027-01-01, and so do its targets: only an earlier end can be renewed from.
    await store()
      .db.updateTable("targets")
      .set({ valid_until: "2026-09-01T00:00:00.000Z" })
      .where("id", "=", id!)
      .execute();
    const renewed = await app.inject({
      method: "POST",
      url: `/targets/${id}/renewal`,
      headers: bearer(authority),
      payload: { until: "2026-12-01", reason: "still infringing" },
    });
    assert.equal(renewed.statusCode, 200, renewed.body);
    assert.equal(renewed.json().renewed[0].until, "2026-12-01T00:00:00.000Z");
    assert.equal(pokes, before + 1);
    const tooFar = await app.inject({
      method: "POST",
      url: `/targets/${id}/renewal`,
      headers: bearer(authority),
      payload: { until: "2028-01-01", reason: "forever" },
    });
    assert.equal(tooFar.statusCode, 422);
    assert.equal(tooFar.json().code, "TARGET_VALIDITY_BEYOND_ORDER");
  });
});

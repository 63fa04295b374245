import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../test/support/accounts.ts";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { bearer } from "../../test/support/workflow.ts";
import type { Severity } from "../checks/finding.ts";
import { buildApp } from "../http/build-app.ts";
import { recordOrder } from "../intake/record-order.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import type { FindingCode } from "../vocabulary/vocabulary.ts";

describeEachEngine("the approval policy: block findings, overrides and the two-person rule", (store) => {
  let app: FastifyInstance;
  let windowed: FastifyInstance;
  let authority: string;
  let otherAuthority: string;
  let admin: string;
  let otherAdmin: string;

  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder });
    windowed = await buildApp({ store: store(), now: () => duringOrder, approvalCancelWindowMs: 60_000 });
    authority = (await tokenFor(store(), "authority")).token;
    otherAuthority = (await tokenFor(store(), "authority")).token;
    admin = (await tokenFor(store(), "admin")).token;
    otherAdmin = (await tokenFor(store(), "admin")).token;
  });
  after(async () => {
    await app.close();
    await windowed.close();
  });

  /**
   * A proposed target of a confirmed order, with this finding stored as the checks store theirs. The finding is
   * written here so that the rule is tested on its own, whatever the checks of the day find.
   */
  async function targetWith(
    value: string,
    severity: Severity | null,
    code: FindingCode = "TARGET_PROTECTED_NAME",
  ) {
    const { targets } = await recordOrder(store(), sampleOrder({ targets: [value] }), {
      actor: "test",
      now: duringOrder,
    });
    const id = targets?.added[0]?.id;
    assert.ok(id, `${value} was not added`);
    if (severity) await addFinding(id, severity, code);
    return id;
  }

  async function addFinding(id: number, severity: Severity, code: FindingCode) {
    await store()
      .db.insertInto("findings")
      .values({
        target_id: id,
        check: "shared-infrastructure",
        severity,
        code,
        message: `a ${severity} finding for the test`,
        evidence: "{}",
        created_at: duringOrder.toISOString(),
      })
      .execute();
  }

  function approve(id: number, token: string, on = app) {
    return on.inject({
      method: "POST",
      url: `/targets/${id}/decision`,
      headers: bearer(token),
      payload: { decision: "approve", reason: "the order names it" },
    });
  }

  async function stateOf(id: number) {
    const row = await store()
      .db.selectFrom("targets")
      .select("state")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return row.state;
  }

  async function actionsOf(id: number) {
    const rows = await store()
      .db.selectFrom("events")
      .select(["action", "actor", "reason"])
      .where("subject_type", "=", "target")
      .where("subject_id", "=", id)
      .orderBy("id")
      .execute();
    return rows;
  }

  it("refuses an authority's approval of a target with a protected-name finding", async () => {
    const id = await targetWith("drive.usercontent.google.com", "block");
    const res = await approve(id, authority);
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().code, "TARGET_BLOCKED_BY_FINDING");
    assert.match(res.json().detail, /TARGET_PROTECTED_NAME/);
    assert.equal(await stateOf(id), "proposed");
  });

  it("refuses a bulk approval as a whole when one of its targets is blocked by a finding", async () => {
    const clean = await targetWith("bulk-clean.example-films.com", null);
    const blocked = await targetWith("bulk-blocked.example-films.com", "block");
    const res = await app.inject({
      method: "POST",
      url: "/targets/decisions",
      headers: bearer(authority),
      payload: { decision: "approve", targets: [clean, blocked], reason: "the order names them" },
    });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().code, "TARGET_BLOCKED_BY_FINDING");
    assert.deepEqual([await stateOf(clean), await stateOf(blocked)], ["proposed", "proposed"]);
  });

  it("approves a blocked target once an admin's override is confirmed by another person, with both events logged", async () => {
    const id = await targetWith("override-me.example-films.com", "block");
    const requested = await app.inject({
      method: "POST",
      url: `/targets/${id}/override`,
      headers: bearer(admin),
      payload: { code: "TARGET_PROTECTED_NAME", reason: "the court named this host expressly, page 4" },
    });
    assert.equal(requested.statusCode, 201, requested.body);
    assert.equal(await stateOf(id), "proposed", "an override alone approves nothing");
    const overrideId = requested.json().overrideId;
    const confirmed = await app.inject({
      method: "POST",
      url: `/targets/${id}/override/${overrideId}/confirm`,
      headers: bearer(otherAuthority),
    });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.deepEqual(confirmed.json().remaining, []);
    assert.equal(confirmed.json().targets[0].to, "active");
    assert.equal(await stateOf(id), "active");
    const log = await actionsOf(id);
    const actions = log.map((event) => event.action);
    for (const action of [
      "target.override-requested",
      "target.override-confirmed",
      "target.approved",
    ] as const) {
      assert.ok(actions.includes(action), `no ${action} event in ${actions.join(", ")}`);
    }
    const override = log.find((event) => event.action === "target.override-requested");
    assert.equal(override?.reason, "the court named this host expressly, page 4");
  });

  it("refuses an override confirmed by the admin who asked for it, and one asked for by an authority", async () => {
    const id = await targetWith("self-confirm.example-films.com", "block");
    const byAuthority = await app.inject({
      method: "POST",
      url: `/targets/${id}/override`,
      headers: bearer(authority),
      payload: { code: "TARGET_PROTECTED_NAME", reason: "I am sure" },
    });
    assert.equal(byAuthority.statusCode, 403);
    const requested = await app.inject({
      method: "POST",
      url: `/targets/${id}/override`,
      headers: bearer(admin),
      payload: { code: "TARGET_PROTECTED_NAME", reason: "the court named it" },
    });
    const self = await app.inject({
      method: "POST",
      url: `/targets/${id}/override/${requested.json().overrideId}/confirm`,
      headers: bearer(admin),
    });
    assert.equal(self.statusCode, 409, self.body);
    assert.equal(self.json().code, "OVERRIDE_SAME_USER");
    assert.equal(await stateOf(id), "proposed");
    const byOtherAdmin = await app.inject({
      method: "POST",
      url: `/targets/${id}/override/${requested.json().overrideId}/confirm`,
      headers: bearer(otherAdmin),
    });
    assert.equal(byOtherAdmin.statusCode, 200, byOtherAdmin.body);
    assert.equal(await stateOf(id), "active");
  });

  it("refuses to confirm an override that was never asked for, or one confirmed already", async () => {
    const id = await targetWith("twice-confirmed.example-films.com", "block");
    await addFinding(id, "block", "TARGET_SHARED_INFRASTRUCTURE");
    const missing = await app.inject({
      method: "POST",
      url: `/targets/${id}/override/999999/confirm`,
      headers: bearer(otherAdmin),
    });
    assert.equal(missing.statusCode, 404, missing.body);
    assert.equal(missing.json().code, "OVERRIDE_NOT_FOUND");
    const requested = await app.inject({
      method: "POST",
      url: `/targets/${id}/override`,
      headers: bearer(admin),
      payload: { code: "TARGET_PROTECTED_NAME", reason: "the court named it" },
    });
    const confirm = () =>
      app.inject({
        method: "POST",
        url: `/targets/${id}/override/${requested.json().overrideId}/confirm`,
        headers: bearer(otherAdmin),
      });
    const first = await confirm();
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json().remaining, ["TARGET_SHARED_INFRASTRUCTURE"]);
    const again = await confirm();
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().code, "OVERRIDE_ALREADY_CONFIRMED");
    assert.equal(await stateOf(id), "proposed");
  });

  it("refuses an override that names a code the target has no blocking finding for, or no reason", async () => {
    const id = await targetWith("wrong-code.example-films.com", "block");
    const wrong = await app.inject({
      method: "POST",
      url: `/targets/${id}/override`,
      headers: bearer(admin),
      payload: { code: "TARGET_SHARED_INFRASTRUCTURE", reason: "no such finding" },
    });
    assert.equal(wrong.statusCode, 422, wrong.body);
    assert.equal(wrong.json().code, "OVERRIDE_CODE_UNKNOWN");
    const silent = await app.inject({
      method: "POST",
      url: `/targets/${id}/override`,
      headers: bearer(admin),
      payload: { code: "TARGET_PROTECTED_NAME", reason: "  " },
    });
    assert.equal(silent.json().code, "REASON_REQUIRED");
  });

  it("lists open overrides and first approvals over HTTP with who asked and who may take the second step", async () => {
    const held = await targetWith("pending-list.example-films.com", "review", "TARGET_CNAME_INTO_CDN");
    const blocked = await targetWith("pending-override.example-films.com", "block");
    assert.equal((await approve(held, authority)).statusCode, 202);
    const override = await app.inject({
      method: "POST",
      url: `/targets/${blocked}/override`,
      headers: bearer(admin),
      payload: { code: "TARGET_PROTECTED_NAME", reason: "named by the court" },
    });
    assert.equal(override.statusCode, 201, override.body);
    const operator = (await tokenFor(store(), "operator")).token;
    assert.equal((await app.inject({ url: "/review/pending", headers: bearer(operator) })).statusCode, 403);
    const listed = await app.inject({ url: "/review/pending", headers: bearer(authority) });
    assert.equal(listed.statusCode, 200, listed.body);
    const body = listed.json();
    const approval = body.approvals.find((a: { targetId: number }) => a.targetId === held);
    assert.deepEqual(approval.mayApprove.roles, ["authority"]);
    assert.match(approval.approvedBy.email, /^authority-/);
    assert.equal(approval.mayApprove.notUserId, approval.approvedBy.userId);
    const open = body.overrides.find((o: { targetId: number }) => o.targetId === blocked);
    assert.equal(open.overrideId, override.json().overrideId);
    assert.equal(open.code, "TARGET_PROTECTED_NAME");
    assert.deepEqual(open.mayConfirm.roles, ["admin", "authority"]);
    assert.equal(body.truncated, false);
    assert.equal((await approve(held, otherAuthority)).statusCode, 200);
    const after = (await app.inject({ url: "/review/pending", headers: bearer(authority) })).json();
    assert.ok(!after.approvals.some((a: { targetId: number }) => a.targetId === held));
  });

  it("holds a target with a review finding for a second authority user, and refuses the same user twice", async () => {
    const id = await targetWith("two-person.example-films.com", "review", "TARGET_CNAME_INTO_CDN");
    const first = await approve(id, authority);
    assert.equal(first.statusCode, 202, first.body);
    assert.deepEqual(first.json(), { pending: "second approval needed", targetId: id, decision: "approve" });
    assert.equal(await stateOf(id), "proposed");
    const again = await approve(id, authority);
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().code, "APPROVAL_SAME_USER");
    const second = await approve(id, otherAuthority);
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(await stateOf(id), "active");
    const actions = (await actionsOf(id)).map((event) => event.action);
    assert.deepEqual(
      actions.filter((action) => action.startsWith("target.approv")),
      ["target.approval-pending", "target.approved"],
    );
  });

  it("applies the two-person rule before the cancel window: the second approval is the one scheduled", async () => {
    const id = await targetWith("two-person-window.example-films.com", "review", "TARGET_ADDRESS_SHARED");
    const first = await approve(id, authority, windowed);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.json().pending, "second approval needed");
    const second = await approve(id, otherAuthority, windowed);
    assert.equal(second.statusCode, 202, second.body);
    assert.ok(second.json().effectiveAt, "the second approval waits out the cancel window");
  });

  it("approves a target whose findings are only info, or that has none, with one authority user", async () => {
    const informed = await targetWith("info-only.example-films.com", "info", "DNS_SNAPSHOT_SKIPPED");
    const clean = await targetWith("no-findings.example-films.com", null);
    for (const id of [informed, clean]) {
      const res = await approve(id, authority);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(await stateOf(id), "active");
    }
  });

  it("reinstates a suspended entry that had a review finding with one authority user: the rule was met", async () => {
    const id = await targetWith("reinstate.example-films.com", "review", "TARGET_CNAME_INTO_CDN");
    await approve(id, authority);
    await approve(id, otherAuthority);
    const suspended = await app.inject({
      method: "POST",
      url: `/targets/${id}/decision`,
      headers: bearer(authority),
      payload: { decision: "suspend", reason: "appeal filed" },
    });
    assert.equal(suspended.statusCode, 200, suspended.body);
    const reinstated = await approve(id, authority);
    assert.equal(reinstated.statusCode, 200, reinstated.body);
    assert.equal(await stateOf(id), "active");
  });

  it("holds the shell's approval of a review target too, and lets another actor complete it", async () => {
    const id = await targetWith("shell-two-person.example-films.com", "review", "TARGET_IP_WITHOUT_NAME");
    const decide = (actor: string) =>
      decideTargets(store(), {
        decision: "approve",
        refs: [String(id)],
        reason: "r",
        actor,
        now: duringOrder,
      });
    const [held] = await decide("cli:alice");
    assert.equal(held?.pending, "second approval needed");
    assert.equal(held?.to, "proposed");
    await assert.rejects(decide("cli:alice"), { code: "APPROVAL_SAME_USER" });
    const [done] = await decide("cli:bob");
    assert.equal(done?.to, "active");
    assert.equal(done?.pending, undefined);
  });
});

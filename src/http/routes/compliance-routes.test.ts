import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish } from "../../../test/support/published-zone.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { bearer, workflowCounts } from "../../../test/support/workflow.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { addOperator } from "../../publish/operators.ts";
import { buildApp } from "../build-app.ts";

describeEachEngine("acknowledgments, reports and compliance over HTTP", (store) => {
  let app: FastifyInstance;
  let clock = duringOrder;
  let orange: string;
  let free: string;
  let google: string;
  let authority: string;
  let auditor: string;
  let serial: number;
  let entry: number;

  before(async () => {
    app = await buildApp({ store: store(), now: () => clock });
    orange = (await tokenFor(store(), "operator", "Orange")).token;
    free = (await tokenFor(store(), "operator", "Free")).token;
    google = (await tokenFor(store(), "search-engine", "Google")).token;
    authority = (await tokenFor(store(), "authority")).token;
    auditor = (await tokenFor(store(), "auditor")).token;
    [entry] = (await approveTargets(store(), ["acked.example-films.com"])).map(Number) as [number];
    serial = await publish(store());
  });
  after(() => app.close());

  function ack(token: string, which: number | string) {
    return app.inject({ method: "POST", url: `/releases/${which}/ack`, headers: bearer(token) });
  }

  it("records an acknowledgment once, with the time from the release to it", async () => {
    const release = await store()
      .db.selectFrom("releases")
      .select("created_at")
      .where("serial", "=", serial)
      .executeTakeFirstOrThrow();
    clock = new Date(Date.parse(release.created_at) + 90_000);
    const first = await ack(orange, serial);
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().acknowledgment.serial, serial);
    assert.equal(first.json().acknowledgment.timeToAckMs, 90_000);
    assert.equal(first.json().repeated, false);
    clock = new Date(clock.getTime() + 60_000);
    const again = await ack(orange, serial);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().repeated, true);
    assert.equal(again.json().acknowledgment.timeToAckMs, 90_000);
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("action", "=", "release.acknowledged")
      .execute();
    assert.equal(event.length, 1);
  });

  it("refuses an unknown serial, a serial that is not a number, and roles that do not apply releases", async () => {
    const before = await workflowCounts(store());
    assert.equal((await ack(free, 424242)).json().code, "RELEASE_NOT_FOUND");
    assert.equal((await ack(free, "latest")).statusCode, 400);
    assert.equal((await ack(free, "-1")).statusCode, 400);
    assert.equal((await ack(authority, serial)).statusCode, 403);
    assert.deepEqual(await workflowCounts(store()), before);
  });

  it("shows an operator its own acknowledgments only, and the authority and auditor everyone's", async () => {
    await ack(google, serial);
    const own = await app.inject({ url: "/compliance/acks", headers: bearer(google) });
    assert.equal(own.statusCode, 200);
    assert.deepEqual(
      own.json().acknowledgments.map((a: { organisationName: string }) => a.organisationName),
      ["Google"],
    );
    assert.equal(own.json().latestRelease.serial, serial);
    // Asking for another organisation's records changes nothing for an operator.
    const orangeId = (
      await store()
        .db.selectFrom("organisations")
        .select("id")
        .where("name", "=", "Orange")
        .executeTakeFirstOrThrow()
    ).id;
    const sneaky = await app.inject({
      url: `/compliance/acks?organisation=${orangeId}`,
      headers: bearer(google),
    });
    assert.deepEqual(
      sneaky.json().acknowledgments.map((a: { organisationName: string }) => a.organisationName),
      ["Google"],
    );
    for (const token of [authority, auditor]) {
      const all = await app.inject({ url: "/compliance/acks", headers: bearer(token) });
      assert.deepEqual(
        all
          .json()
          .acknowledgments.map((a: { organisationName: string }) => a.organisationName)
          .sort(),
        ["Google", "Orange"],
      );
    }
    const one = await app.inject({
      url: `/compliance/acks?organisation=${orangeId}`,
      headers: bearer(auditor),
    });
    assert.equal(one.json().acknowledgments.length, 1);
    const applicant = (await tokenFor(store(), "applicant")).token;
    assert.equal((await app.inject({ url: "/compliance/acks", headers: bearer(applicant) })).statusCode, 403);
    assert.equal((await app.inject({ url: "/compliance/breaches" })).statusCode, 401);
  });

  it("counts acknowledgments by enforcer kind, from each organisation's operator", async () => {
    await addOperator(store().db, { name: "Orange", kind: "isp" }, { actor: "test", now: duringOrder });
    const all = await app.inject({ url: "/compliance/acks", headers: bearer(auditor) });
    const kinds = Object.fromEntries(
      all
        .json()
        .acknowledgments.map((a: { organisationName: string; enforcerKind: string | null }) => [
          a.organisationName,
          a.enforcerKind,
        ]),
    );
    assert.deepEqual(kinds, { Orange: "isp", Google: null });
    assert.deepEqual(all.json().byKind, {
      isp: 1,
      "public-resolver": 0,
      vpn: 0,
      "search-engine": 0,
      none: 1,
    });
    assert.equal(typeof all.json().latestRelease.soaSerial, "number");
  });

  it("records a report on an entry with its kind and reason, as an event the authority can read", async () => {
    const res = await app.inject({
      method: "POST",
      url: `/targets/${entry}/report`,
      headers: bearer(free),
      payload: { kind: "cannot-apply", reason: "the name is served by our own CDN" },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().kind, "cannot-apply");
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("action", "=", "target.reported")
      .executeTakeFirstOrThrow();
    assert.equal(event.subject_id, entry);
    assert.equal(event.reason, "the name is served by our own CDN");
    assert.equal(JSON.parse(event.data).kind, "cannot-apply");
  });

  it("refuses a report without a reason, of an unknown kind, or on a target that was never published", async () => {
    const { targets } = await recordOrder(
      store(),
      sampleOrder({ targets: ["only-proposed.example-films.com"] }),
      {
        actor: "test",
        now: duringOrder,
      },
    );
    const proposed = targets!.added[0]!.id;
    const before = await workflowCounts(store());
    const cases: Array<[number, unknown, number, string]> = [
      [entry, { kind: "cannot-apply", reason: " " }, 422, "REASON_REQUIRED"],
      [entry, { kind: "bored", reason: "x" }, 400, "REQUEST_INVALID"],
      [entry, { kind: "believed-wrong", reason: "x", extra: 1 }, 400, "REQUEST_INVALID"],
      [proposed, { kind: "believed-wrong", reason: "never blocked" }, 409, "TARGET_NOT_AN_ENTRY"],
      [999_999, { kind: "believed-wrong", reason: "x" }, 404, "TARGET_NOT_FOUND"],
    ];
    for (const [id, payload, status, code] of cases) {
      const res = await app.inject({
        method: "POST",
        url: `/targets/${id}/report`,
        headers: bearer(free),
        payload: payload as object,
      });
      assert.equal(res.statusCode, status, res.body);
      assert.equal(res.json().code, code);
    }
    assert.deepEqual(await workflowCounts(store()), before);
  });
});

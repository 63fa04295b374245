import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { proposeGeneratedTargets } from "../../../test/support/proposed-targets.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { bearer } from "../../../test/support/workflow.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { buildApp } from "../build-app.ts";

interface Queued {
  id: number;
  kind: string;
  findings: Array<{ code: string; severity: string }>;
}

describeEachEngine(
  "the review desk's queue: filters, keyset pages, counts and decisions by filter",
  (store) => {
    let app: FastifyInstance;
    let authority: string;
    let applicant: string;
    let pokes = 0;

    before(async () => {
      app = await buildApp({ store: store(), now: () => duringOrder, onRegistryChange: () => pokes++ });
      authority = (await tokenFor(store(), "authority")).token;
      applicant = (await tokenFor(store(), "applicant")).token;
    });
    after(() => app.close());

    /** A confirmed order with `count` generated targets: every 3rd has a review finding, every 5th is a domain. */
    async function generated(prefix: string, count: number) {
      const { order } = await recordOrder(store(), sampleOrder(), { actor: "test", now: duringOrder });
      const queue = await proposeGeneratedTargets(store(), order, count, {
        now: duringOrder,
        prefix,
        reviewEvery: 3,
        domainEvery: 5,
      });
      return { order, ids: queue.ids };
    }

    async function get(url: string) {
      const res = await app.inject({ url, headers: bearer(authority) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    }

    /** Every target the filter matches, read a keyset page of `limit` at a time. */
    async function allPages(query: string, limit = 7): Promise<Queued[]> {
      const seen: Queued[] = [];
      let after = "";
      for (;;) {
        const page = await get(`/review/queue?${query}&limit=${limit}${after}`);
        seen.push(...page.targets);
        if (page.targets.length < limit) return seen;
        after = `&after=${page.next.after}`;
      }
    }

    it("filters by order, kind, finding code and worst severity, a keyset page at a time, and counts each facet", async () => {
      const { order, ids } = await generated("facets", 60);
      await generated("other-order", 10);
      const review = ids.filter((_, i) => i % 3 === 2);
      const domains = ids.filter((_, i) => i % 5 === 0);
      const all = await allPages(`order=${order.id}`);
      assert.deepEqual(
        all.map((t) => t.id),
        ids,
        "the pages chained by next.after give every target once, oldest first",
      );
      const reviewed = await allPages(`order=${order.id}&severity=review`);
      assert.deepEqual(
        reviewed.map((t) => t.id),
        review,
      );
      assert.ok(reviewed.every((t) => t.findings.some((f) => f.code === "TARGET_ADDRESS_SHARED")));
      assert.deepEqual(
        (await allPages(`order=${order.id}&kind=domain`)).map((t) => t.id),
        domains,
      );
      assert.deepEqual(
        (await allPages(`order=${order.id}&kind=domain&code=TARGET_ADDRESS_SHARED`)).map((t) => t.id),
        review.filter((id) => domains.includes(id)),
      );
      assert.deepEqual(
        (await allPages(`order=${order.id}&severity=info,none`)).map((t) => t.id),
        ids.filter((id) => !review.includes(id)),
      );

      const counts = await get(`/review/queue/counts?order=${order.id}&severity=info`);
      assert.equal(counts.matching, 40);
      assert.deepEqual(counts.bySeverity, [
        { severity: "review", count: 20 },
        { severity: "info", count: 40 },
      ]);
      // Under severity=info, no target of the codes facet has the review finding.
      assert.deepEqual(counts.byCode, [{ code: "DNS_SNAPSHOT_SKIPPED", severity: "info", count: 40 }]);
      assert.deepEqual(
        [...counts.byKind].sort((a: { kind: string }, b: { kind: string }) => a.kind.localeCompare(b.kind)),
        [
          { kind: "domain", count: 8 },
          { kind: "fqdn", count: 32 },
        ],
      );
      const unknown = await app.inject({ url: "/review/queue?code=NOT_A_CODE", headers: bearer(authority) });
      assert.equal(unknown.statusCode, 400, unknown.body);
      const applicantAsks = await app.inject({ url: "/review/queue/counts", headers: bearer(applicant) });
      assert.equal(applicantAsks.statusCode, 403);
    });

    it("decides on every target matching a filter in one act, and refuses it all when the count changed", async () => {
      const { order, ids } = await generated("bulk", 30);
      const clean = ids.filter((_, i) => i % 3 !== 2);
      const filter = { order: order.id, severities: ["info"] };
      const moved = await app.inject({
        method: "POST",
        url: "/targets/decisions",
        headers: bearer(authority),
        payload: {
          decision: "approve",
          filter,
          expected: clean.length + 1,
          reason: "RG 26: ordered blocked",
        },
      });
      assert.equal(moved.statusCode, 409, moved.body);
      assert.equal(moved.json().code, "SELECTION_CHANGED");
      assert.equal((await get(`/review/queue/counts?order=${order.id}`)).matching, 30, "nothing was decided");

      const before = pokes;
      const approved = await app.inject({
        method: "POST",
        url: "/targets/decisions",
        headers: bearer(authority),
        payload: { decision: "approve", filter, expected: clean.length, reason: "RG 26: ordered blocked" },
      });
      assert.equal(approved.statusCode, 200, approved.body);
      const answer = approved.json();
      assert.deepEqual(
        { matched: answer.matched, changed: answer.changed, pending: answer.pending },
        { matched: clean.length, changed: clean.length, pending: 0 },
      );
      assert.deepEqual(
        answer.targets.map((t: { id: number; to: string }) => [t.id, t.to]),
        clean.map((id) => [id, "active"]),
      );
      assert.equal(pokes, before + 1, "one release is asked for the whole decision");
      const left = await allPages(`order=${order.id}`);
      assert.deepEqual(
        left.map((t) => t.id),
        ids.filter((id) => !clean.includes(id)),
      );

      // Targets with a finding to review wait for a second authority user: the first approval is on the record.
      const first = await app.inject({
        method: "POST",
        url: "/targets/decisions",
        headers: bearer(authority),
        payload: { decision: "approve", filter: { order: order.id }, reason: "RG 26: reviewed" },
      });
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(
        { matched: first.json().matched, changed: first.json().changed, pending: first.json().pending },
        { matched: 10, changed: 0, pending: 10 },
      );
      const pending = await get("/review/pending");
      assert.equal(pending.approvals.filter((a: { orderId: number }) => a.orderId === order.id).length, 10);

      const none = await app.inject({
        method: "POST",
        url: "/targets/decisions",
        headers: bearer(authority),
        payload: { decision: "reject", filter: { order: order.id, kind: "url" }, reason: "none" },
      });
      assert.equal(none.statusCode, 404, none.body);
      assert.equal(none.json().code, "TARGET_NOT_FOUND");
    });

    it("forgets that an order awaited confirmation once an authority confirms it", async () => {
      const res = await app.inject({
        method: "POST",
        url: "/orders",
        headers: bearer(applicant),
        payload: sampleOrder({
          targets: ["unconfirmed-a.example-films.com", "unconfirmed-b.example-films.com"],
        }),
      });
      assert.equal(res.statusCode, 201, res.body);
      const orderId = res.json().order.id;
      const codes = async () =>
        (await allPages(`order=${orderId}`)).map((t) => t.findings.map((f) => f.code).sort());
      assert.ok((await codes()).every((c) => c.includes("ORDER_NOT_CONFIRMED")));
      const counted = await get(`/review/queue/counts?order=${orderId}`);
      assert.ok(counted.byCode.some((c: { code: string }) => c.code === "ORDER_NOT_CONFIRMED"));
      const confirmed = await app.inject({
        method: "POST",
        url: `/orders/${orderId}/confirm`,
        headers: bearer(authority),
      });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      const after = await codes();
      assert.equal(after.length, 2);
      assert.ok(after.every((c) => !c.includes("ORDER_NOT_CONFIRMED")));
      const recounted = await get(`/review/queue/counts?order=${orderId}`);
      assert.ok(!recounted.byCode.some((c: { code: string }) => c.code === "ORDER_NOT_CONFIRMED"));
    });
  },
);

import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { bearer } from "../../../test/support/workflow.ts";
import { buildApp } from "../build-app.ts";

interface Listed {
  id: number;
  value: string;
  findings: Array<{ check: string; severity: string; code: string; evidence: Record<string, unknown> }>;
}

describeEachEngine("the safeguards' findings over HTTP", (store) => {
  let app: FastifyInstance;
  let authority: string;

  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder });
    authority = (await tokenFor(store(), "authority", "ARCOM")).token;
  });
  after(() => app.close());

  async function queue(orderId: number): Promise<Listed[]> {
    const res = await app.inject({ url: `/review/queue?order=${orderId}`, headers: bearer(authority) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().targets;
  }

  it("shows the reviewer the findings of targets submitted with an order and added later", async () => {
    const submitted = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(authority),
      payload: sampleOrder({
        measures: ["dns-block", "ip-block"],
        targets: ["drive.usercontent.google.com"],
      }),
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const orderId = submitted.json().order.id as number;
    const added = await app.inject({
      method: "POST",
      url: `/orders/${orderId}/targets`,
      headers: bearer(authority),
      payload: { targets: ["188.114.97.7", "streaming-pirate-films.fr"] },
    });
    assert.equal(added.statusCode, 201, added.body);
    // No resolver is configured here, so each of the two targets says its DNS snapshot was skipped (info); the
    // address is also inside Cloudflare's autonomous system (block) and nothing is known of its sites (info).
    assert.deepEqual(added.json().findings.counts, { block: 2, review: 0, info: 3 });
    assert.deepEqual(submitted.json().targets.findings.held[0].codes, ["TARGET_PROTECTED_NAME"]);
    const held = (t: Listed) => t.findings.filter((f) => f.severity !== "info").map((f) => f.code);
    const byValue = new Map((await queue(orderId)).map((t) => [t.value, held(t)]));
    assert.deepEqual(byValue.get("drive.usercontent.google.com"), ["TARGET_PROTECTED_NAME"]);
    assert.deepEqual(byValue.get("188.114.97.7"), ["TARGET_SHARED_INFRASTRUCTURE", "TARGET_ASN_SHARED"]);
    assert.deepEqual(byValue.get("streaming-pirate-films.fr"), []);
  });

  it("shows the public an entry's findings, with no personal data in them", async () => {
    const submitted = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(authority),
      payload: sampleOrder({ targets: [{ value: "films-pirates-en-masse.fr", kind: "domain" }] }),
    });
    const orderId = submitted.json().order.id as number;
    const [target] = await queue(orderId);
    const approved = await app.inject({
      method: "POST",
      url: `/targets/${target!.id}/decision`,
      headers: bearer(authority),
      payload: { decision: "approve", reason: "the court ordered this domain blocked" },
    });
    assert.equal(approved.statusCode, 200, approved.body);
    for (const url of [`/orders/${orderId}/targets`, "/targets?name=films-pirates-en-masse.fr"]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, res.body);
      const [listed] = res.json().targets as Listed[];
      const shown = listed!.findings.map((f) => `${f.severity} ${f.code}`);
      assert.ok(shown.includes("info TARGET_WILDCARD_BREADTH"), shown.join(", "));
      assert.deepEqual(
        shown.filter((f) => !f.startsWith("info")),
        [],
      );
      assert.doesNotMatch(res.body, /@|test:|ARCOM/, "no user, e-mail or actor in the public answer");
    }
  });
});

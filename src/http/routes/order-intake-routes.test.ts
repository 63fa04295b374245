import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { bearer, workflowCounts } from "../../../test/support/workflow.ts";
import { buildApp } from "../build-app.ts";

describeEachEngine("submitting orders, documents and targets over HTTP", (store) => {
  let app: FastifyInstance;
  let applicant: string;
  let otherApplicant: string;
  let authority: string;

  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder });
    applicant = (await tokenFor(store(), "applicant", "APC")).token;
    otherApplicant = (await tokenFor(store(), "applicant", "SEVN")).token;
    authority = (await tokenFor(store(), "authority", "ARCOM")).token;
  });
  after(() => app.close());

  async function submit(token: string, overrides: Record<string, unknown> = {}) {
    const res = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(token),
      payload: sampleOrder(overrides),
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().order as { id: number; confirmedAt: string | null; ownerOrganisationId: number | null };
  }

  it("makes an applicant's order its organisation's, waiting for confirmation; an authority's is confirmed", async () => {
    const mine = await submit(applicant);
    assert.equal(mine.confirmedAt, null);
    assert.equal(typeof mine.ownerOrganisationId, "number");
    const official = await submit(authority);
    assert.equal(official.confirmedAt, duringOrder.toISOString());
    assert.equal(official.ownerOrganisationId, null);
  });

  it("keeps the Extended DNS Error an order chose, shows it in the public order, and refuses one it may not choose", async () => {
    const chosen = await submit(authority, { ede: "filtered", targets: ["films-ede.example-films.com"] });
    assert.equal((chosen as unknown as { ede: number }).ede, 17);
    // Without a token: the order as the public reads it.
    const shown = await app.inject({ url: `/orders/${chosen.id}` });
    assert.equal(shown.statusCode, 200, shown.body);
    assert.equal(shown.json().ede, 17);
    const plain = await submit(authority);
    assert.equal((await app.inject({ url: `/orders/${plain.id}` })).json().ede, 16);
    const before = await workflowCounts(store());
    const refused = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(authority),
      payload: sampleOrder({ ede: 42, targets: ["films-ede2.example-films.com"] }),
    });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.equal(refused.json().code, "ORDER_EDE_INVALID");
    assert.deepEqual(await workflowCounts(store()), before);
  });

  it("keeps an applicant's order out of public view until an authority confirms it", async () => {
    const mine = await submit(applicant);
    const seenBy = async (token?: string) => {
      const headers = token ? bearer(token) : {};
      const one = await app.inject({ url: `/orders/${mine.id}`, headers });
      const list = await app.inject({ url: "/orders", headers });
      const listed = (list.json().orders as Array<{ id: number }>).some((order) => order.id === mine.id);
      return [one.statusCode, listed];
    };
    assert.deepEqual(await seenBy(), [404, false]);
    assert.deepEqual(await seenBy(otherApplicant), [404, false]);
    assert.deepEqual(await seenBy(applicant), [200, true]);
    assert.deepEqual(await seenBy(authority), [200, true]);
    const confirmed = await app.inject({
      method: "POST",
      url: `/orders/${mine.id}/confirm`,
      headers: bearer(authority),
      payload: {},
    });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.deepEqual(await seenBy(), [200, true]);
  });

  it("records an order's own targets with it, and refuses the whole order for one bad target", async () => {
    const before = await workflowCounts(store());
    const refused = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(applicant),
      payload: sampleOrder({ targets: ["films-a.example-films.com", "co.uk"] }),
    });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().code, "TARGETS_REJECTED");
    assert.deepEqual(await workflowCounts(store()), before);
    const res = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(applicant),
      payload: sampleOrder({ targets: ["films-a.example-films.com"] }),
    });
    assert.equal(res.statusCode, 201);
    assert.deepEqual(
      res.json().targets.added.map((t: { value: string }) => t.value),
      ["films-a.example-films.com"],
    );
  });

  it("answers an order that does not fit the schema with 400 and stores nothing", async () => {
    const before = await workflowCounts(store());
    const res = await app.inject({
      method: "POST",
      url: "/orders",
      headers: bearer(applicant),
      payload: { ...sampleOrder(), measures: ["dns-block"], unknownField: "<script>" },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, "REQUEST_INVALID");
    assert.deepEqual(await workflowCounts(store()), before);
  });

  it("reports each refused line by index and code, and stores nothing unless skipInvalid", async () => {
    const order = await submit(applicant);
    const lines = [
      "stream.example-films.com",
      "com",
      { value: "192.168.1.1" },
      { value: "x.example-films.com", kind: "bogus" },
    ];
    const before = await workflowCounts(store());
    const refused = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/targets`,
      headers: bearer(applicant),
      payload: { targets: lines },
    });
    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().code, "TARGETS_REJECTED");
    assert.deepEqual(
      refused
        .json()
        .rejected.map((r: { index: number; line: number; code: string }) => [r.index, r.line, r.code]),
      [
        [1, 2, "TARGET_PUBLIC_SUFFIX"],
        [2, 3, "TARGET_PRIVATE_RANGE"],
        [3, 4, "TARGET_UNKNOWN_KIND"],
      ],
    );
    assert.match(refused.json().detail, /"skipInvalid": true/);
    assert.deepEqual(await workflowCounts(store()), before);

    const res = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/targets`,
      headers: bearer(applicant),
      payload: { targets: lines, skipInvalid: true },
    });
    assert.equal(res.statusCode, 201);
    assert.deepEqual(
      res.json().added.map((t: { value: string }) => t.value),
      ["stream.example-films.com"],
    );
    assert.equal(res.json().rejected.length, 3);
  });

  it("answers an applicant's request on another organisation's order exactly as on a missing one", async () => {
    const theirs = await submit(otherApplicant);
    const official = await submit(authority);
    const before = await workflowCounts(store());
    const missing = await app.inject({
      method: "POST",
      url: "/orders/999999/targets",
      headers: bearer(applicant),
      payload: { targets: ["a.example-films.com"] },
    });
    for (const id of [theirs.id, official.id]) {
      const res = await app.inject({
        method: "POST",
        url: `/orders/${id}/targets`,
        headers: bearer(applicant),
        payload: { targets: ["a.example-films.com"] },
      });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, "ORDER_NOT_FOUND");
      assert.equal(res.json().detail, missing.json().detail.replace("999999", String(id)));
      const upload = await app.inject({
        method: "POST",
        url: `/orders/${id}/document`,
        headers: { ...bearer(applicant), "content-type": "application/pdf" },
        payload: Buffer.from("%PDF-1.7 theirs"),
      });
      assert.equal(upload.statusCode, 404);
    }
    assert.deepEqual(await workflowCounts(store()), before);
    // The authority acts on any order.
    const res = await app.inject({
      method: "POST",
      url: `/orders/${theirs.id}/targets`,
      headers: bearer(authority),
      payload: { targets: ["by-authority.example-films.com"] },
    });
    assert.equal(res.statusCode, 201);
  });

  it("stores the document with its SHA-256, makes it the order's, and gives the same bytes back", async () => {
    const order = await submit(applicant);
    const bytes = Buffer.from("%PDF-1.7\n% the decision of the court\n");
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const res = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/document`,
      headers: { ...bearer(applicant), "content-type": "application/pdf" },
      payload: bytes,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().sha256, sha256);
    assert.equal(res.json().size, bytes.length);
    // Still unconfirmed, so not public: its own organisation reads it.
    const shown = (await app.inject({ url: `/orders/${order.id}`, headers: bearer(applicant) })).json();
    assert.equal(shown.document.sha256, sha256);
    const download = await app.inject({ url: `/orders/${order.id}/document`, headers: bearer(authority) });
    assert.equal(download.statusCode, 200);
    assert.deepEqual(download.rawPayload, bytes);
    assert.equal(download.headers["content-type"], "application/pdf");
    assert.equal(
      download.headers["repr-digest"],
      `sha-256=:${Buffer.from(sha256, "hex").toString("base64")}:`,
    );
    const again = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/document`,
      headers: { ...bearer(applicant), "content-type": "application/pdf" },
      payload: bytes,
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, "DOCUMENT_DUPLICATE");
  });

  it("refuses a document that does not match the hash the order declared, and stores nothing", async () => {
    const declared = createHash("sha256").update("%PDF-1.7 the real one").digest("hex");
    const order = await submit(applicant, { document: { sha256: declared } });
    const before = await workflowCounts(store());
    const wrong = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/document`,
      headers: { ...bearer(applicant), "content-type": "application/pdf" },
      payload: Buffer.from("%PDF-1.7 a forgery"),
    });
    assert.equal(wrong.statusCode, 422);
    assert.equal(wrong.json().code, "DOCUMENT_HASH_MISMATCH");
    assert.equal(wrong.json().expected, declared);
    assert.deepEqual(await workflowCounts(store()), before);
    const right = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/document`,
      headers: { ...bearer(applicant), "content-type": "application/pdf" },
      payload: Buffer.from("%PDF-1.7 the real one"),
    });
    assert.equal(right.statusCode, 201);
  });

  it("refuses documents of other types, empty ones and PDFs that are not PDFs", async () => {
    const order = await submit(applicant);
    const cases: Array<[string, Buffer | string, number, string]> = [
      ["text/html", "<script>alert(1)</script>", 415, "DOCUMENT_MEDIA_TYPE"],
      ["application/json", "{}", 415, "DOCUMENT_MEDIA_TYPE"],
      ["application/pdf", Buffer.from("MZ\x90\x00 not a pdf"), 422, "DOCUMENT_INVALID"],
      ["application/octet-stream", Buffer.alloc(0), 422, "DOCUMENT_INVALID"],
    ];
    for (const [type, payload, status, code] of cases) {
      const res = await app.inject({
        method: "POST",
        url: `/orders/${order.id}/document`,
        headers: { ...bearer(applicant), "content-type": type },
        payload,
      });
      assert.equal(res.statusCode, status, `${type}: ${res.body}`);
      assert.equal(res.json().code, code, type);
    }
    const none = await app.inject({ url: `/orders/${order.id}/document`, headers: bearer(applicant) });
    assert.equal(none.json().code, "DOCUMENT_NOT_FOUND");
  });

  it("lets an authority confirm an applicant's order once; an applicant cannot confirm", async () => {
    const order = await submit(applicant);
    const denied = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/confirm`,
      headers: bearer(applicant),
    });
    assert.equal(denied.statusCode, 403);
    const res = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/confirm`,
      headers: bearer(authority),
      payload: { reason: "checked against the court's register" },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().confirmedAt, duringOrder.toISOString());
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("subject_type", "=", "order")
      .where("subject_id", "=", order.id)
      .where("action", "=", "order.confirmed")
      .executeTakeFirstOrThrow();
    assert.equal(event.reason, "checked against the court's register");
    const again = await app.inject({
      method: "POST",
      url: `/orders/${order.id}/confirm`,
      headers: bearer(authority),
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, "ORDER_ALREADY_CONFIRMED");
  });
});

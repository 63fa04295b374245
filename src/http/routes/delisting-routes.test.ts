import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish, suspendTargets } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { verifySignature } from "../../publish/signing-key.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { buildApp } from "../build-app.ts";

describeEachEngine("de-listing lists and Lumen notices over HTTP", (store) => {
  let app: FastifyInstance;
  let dataDir: string;
  let first: number;
  let orderId: number;
  let liftedId: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "decree-delisting-routes-"));
    app = await buildApp({
      store: store(),
      dataDir,
      now: () => duringOrder,
      publicUrl: "https://decree.example.fr",
    });
    const ids = await approveTargets(
      store(),
      [
        { value: "allostreaming.com", kind: "domain" },
        "https://video.allomovies.com/watch?v=1",
        "lifted.fifostream.tv",
        "suspended.fifostream.tv",
      ],
      { legalBasis: "CPI art. L. 336-2", summary: "Block and de-list the Allostreaming sites." },
    );
    liftedId = ids[2]!;
    await suspendTargets(store(), [ids[3]!]);
    const [lifted] = await decideTargets(store(), {
      decision: "lift",
      refs: [liftedId],
      reason: "appeal granted",
      actor: "test:authority",
      now: duringOrder,
    });
    orderId = lifted!.orderId;
    first = await publish(store());
  });

  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (url: string) => app.inject({ method: "GET", url });

  it("serves the list to the public, as JSON with its serial, ETag and the registry's signature", async () => {
    const response = await get("/delisting/json");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["decree-serial"], String(first));
    assert.equal(response.headers["decree-feed"], "full");
    assert.ok(response.headers.etag);
    const [scheme, keyId, signature] = String(response.headers["decree-signature"]).split(" ");
    const key = (await get("/keys")).json();
    assert.deepEqual([scheme, keyId], ["ed25519", key.keyId]);
    assert.ok(verifySignature(key.publicKey, response.rawPayload, Buffer.from(signature!, "base64")));
    const values = response.json().entries.map((entry: { value: string }) => entry.value);
    assert.deepEqual(values, ["allostreaming.com", "https://video.allomovies.com/watch?v=1"]);
    const sig = await get("/delisting/json.sig");
    assert.equal(sig.rawPayload.toString("base64"), signature);
  });

  it("serves CSV, and a diff since a serial after a suspension", async () => {
    const csv = await get("/delisting/csv");
    assert.equal(csv.headers["content-type"], "text/csv; charset=utf-8; header=present");
    assert.match(csv.body, /^target,kind,value,country,authority,case_number,decision_date,order,until\r\n/);
    const [, url] = (await get("/delisting/json")).json().entries as Array<{ target: number }>;
    await suspendTargets(store(), [String(url!.target)]);
    const next = await publish(store());
    const diff = await get(`/delisting/json?since=${first}`);
    assert.equal(diff.headers["decree-serial"], String(next));
    assert.equal(diff.headers["decree-feed"], `diff; from=${first}`);
    assert.deepEqual(
      diff.json().removed.map((entry: { value: string }) => entry.value),
      ["https://video.allomovies.com/watch?v=1"],
    );
    assert.equal((await get(`/delisting/json?since=${first}`)).headers.etag, diff.headers.etag);
  });

  it("lists the formats and the key at GET /delisting, and refuses unknown formats and bad serials", async () => {
    const index = (await get("/delisting")).json();
    assert.deepEqual(
      index.formats.map((format: { format: string }) => format.format),
      ["json", "csv"],
    );
    assert.equal((await get("/delisting/rpz")).json().code, "FEED_UNKNOWN_FORMAT");
    assert.equal((await get("/delisting/json?since=-1")).statusCode, 400);
    assert.equal((await get("/delisting/json?since=abc")).statusCode, 400);
  });

  it("exports an order as a Lumen CourtOrder notice with parties and targeted URLs, without lifted ones", async () => {
    const response = await get(`/orders/${orderId}/notice.json`);
    assert.equal(response.statusCode, 200);
    const { notice, decree } = response.json();
    assert.equal(notice.type, "CourtOrder");
    assert.equal(notice.date_sent, "2025-12-20");
    assert.equal(notice.jurisdiction_list, "FR");
    assert.equal(notice.regulation_list, "CPI art. L. 336-2");
    assert.deepEqual(
      notice.entity_notice_roles_attributes.map(
        (role: { name: string; entity_attributes: { name: string } }) => [
          role.name,
          role.entity_attributes.name,
        ],
      ),
      [
        ["issuing_court", "Tribunal judiciaire de Paris"],
        ["principal", "APC"],
        ["recipient", "Orange"],
        ["recipient", "Google"],
      ],
    );
    const urls = notice.works_attributes.flatMap(
      (work: { infringing_urls_attributes: Array<{ url: string }> }) =>
        work.infringing_urls_attributes.map((item) => item.url),
    );
    assert.deepEqual(urls.sort(), [
      "https://allostreaming.com/",
      "https://suspended.fifostream.tv/",
      "https://video.allomovies.com/watch?v=1",
    ]);
    assert.equal(decree.url, `https://decree.example.fr/orders/${orderId}`);
    assert.ok(!response.body.includes("test:authority"), "who recorded the order is not exported");
    assert.equal((await get("/orders/987654/notice.json")).json().code, "ORDER_NOT_FOUND");
  });
});

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import {
  checkCitizenLabList,
  checkOoniRunDescriptor,
} from "../../../test/support/published-test-list-rules.ts";
import {
  approveTargets,
  publish,
  stopPagePolicy,
  suspendTargets,
} from "../../../test/support/published-zone.ts";
import { sampleOrder } from "../../../test/support/sample-order.ts";
import { verifySignature } from "../../publish/signing-key.ts";
import { buildApp } from "../build-app.ts";

const policy = { ...stopPagePolicy, zone: "rpz.example.fr" };
const publicUrl = "https://decree.example.fr";

describeEachEngine("test list routes", (store) => {
  let app: FastifyInstance;
  let dataDir: string;
  let serial: number;
  let firstOrder: number;
  let addressOrder: number;
  let fifostream: string;

  const orderOf = async (targetId: string) =>
    Number(
      (
        await store()
          .db.selectFrom("targets")
          .select("order_id")
          .where("id", "=", Number(targetId))
          .executeTakeFirstOrThrow()
      ).order_id,
    );

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "decree-test-lists-"));
    app = await buildApp({ store: store(), dataDir, policy, publicUrl });
    const [first] = await approveTargets(store(), [
      { value: "allostreaming.com", kind: "domain" },
      "www.fifostream.tv",
      { value: "https://files.filmzone.net/film/123", kind: "url" },
    ]);
    await approveTargets(store(), [{ value: "allostreaming.com", kind: "domain" }, "streamzz.cc"], {
      testListCategory: "MMED",
    });
    const [address] = await approveTargets(store(), ["93.184.215.14"], { measures: ["ip-block"] });
    fifostream = String(
      (
        await store()
          .db.selectFrom("targets")
          .select("id")
          .where("value", "=", "www.fifostream.tv")
          .executeTakeFirstOrThrow()
      ).id,
    );
    firstOrder = await orderOf(first!);
    addressOrder = await orderOf(address!);
    serial = await publish(store(), policy);
  });

  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: "GET", url, headers });

  const assertSigned = async (response: LightMyRequestResponse) => {
    const [scheme, keyId, signature] = String(response.headers["decree-signature"]).split(" ");
    const key = (await get("/keys")).json();
    assert.deepEqual([scheme, keyId], ["ed25519", key.keyId]);
    assert.ok(verifySignature(key.publicKey, response.rawPayload, Buffer.from(signature!, "base64")));
    assert.equal(response.headers["decree-serial"], String(serial));
  };

  it("serves the whole registry's names as a Citizen Lab test list that follows the lists' column rules", async () => {
    const response = await get("/feeds/citizenlab-csv");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["content-type"], "text/csv; charset=utf-8; header=present");
    await assertSigned(response);
    const rows = checkCitizenLabList(response.body);
    assert.deepEqual(
      rows.map((row) => row[0]),
      [
        "https://allostreaming.com/",
        "https://files.filmzone.net/film/123",
        "https://streamzz.cc/",
        "https://www.fifostream.tv/",
      ],
    );
    const allo = rows[0]!;
    assert.deepEqual(allo.slice(1, 3), ["FILE", "File-sharing"], "the default category");
    assert.deepEqual(rows[2]!.slice(1, 3), ["MMED", "Media sharing"], "the category its order chose");
    assert.match(allo[4]!, /^decree: Tribunal judiciaire de Paris, case RG 26\/\d{5} \(2025-12-20, FR\)$/);
    assert.equal(allo[5], `Blocked under order ${firstOrder}: ${publicUrl}/orders/${firstOrder}`);
    assert.ok(!response.body.includes("93.184.215.14"), "addresses are not test list entries");
  });

  it("names the category an order chose for its rows, another code for every row when asked, and refuses one the lists do not have", async () => {
    const media = await get("/feeds/citizenlab-csv?category=MMED");
    assert.ok(
      checkCitizenLabList(media.body).every((row) => row[1] === "MMED" && row[2] === "Media sharing"),
    );
    const refused = await get("/feeds/citizenlab-csv?category=WAREZ");
    assert.equal(refused.statusCode, 400);
    assert.throws(() => sampleOrder({ testListCategory: "WAREZ" }), {
      code: "ORDER_INVALID",
      message: /testListCategory: .*"MMED"/,
    });
  });

  it("serves the whole registry's names as an OONI Run v2 descriptor of one Web Connectivity nettest", async () => {
    const response = await get("/feeds/ooni-run");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["content-type"], "application/json; charset=utf-8");
    await assertSigned(response);
    const document = response.json();
    checkOoniRunDescriptor(document);
    assert.equal(document.nettests.length, 1);
    const [nettest] = document.nettests;
    assert.equal(nettest.test_name, "web_connectivity");
    assert.equal(nettest.is_background_run_enabled_default, false);
    assert.equal(nettest.is_manual_run_enabled_default, true);
    assert.equal(nettest.inputs.length, 4);
    assert.equal(document.author, publicUrl);
    assert.ok(typeof document.name_intl.fr === "string");
  });

  it("serves one order's names alone, with the same signature and rules", async () => {
    const csv = await get(`/public/orders/${firstOrder}/citizenlab.csv`);
    assert.equal(csv.statusCode, 200);
    await assertSigned(csv);
    assert.deepEqual(
      checkCitizenLabList(csv.body).map((row) => row[0]),
      ["https://allostreaming.com/", "https://files.filmzone.net/film/123", "https://www.fifostream.tv/"],
    );
    const run = await get(`/public/orders/${firstOrder}/ooni-run.json`);
    assert.equal(run.statusCode, 200);
    await assertSigned(run);
    checkOoniRunDescriptor(run.json());
    assert.equal(run.json().nettests[0].inputs.length, 3);
    assert.match(run.json().name, new RegExp(`order ${firstOrder}`));
  });

  it("gives an order of addresses only an empty list, and an unknown order a 404 saying where orders are", async () => {
    const csv = await get(`/public/orders/${addressOrder}/citizenlab.csv`);
    assert.equal(checkCitizenLabList(csv.body).length, 0);
    const missing = await get("/public/orders/999999/ooni-run.json");
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, "ORDER_NOT_FOUND");
  });

  it("answers a repeated request with 304 by its ETag, and lists the test lists at GET /feeds", async () => {
    const first = await get("/feeds/ooni-run");
    const again = await get("/feeds/ooni-run", { "if-none-match": String(first.headers.etag) });
    assert.equal(again.statusCode, 304);
    const index = (await get("/feeds")).json();
    assert.equal(index.testLists.citizenLab, "/feeds/citizenlab-csv");
    assert.equal(index.testLists.ooniRun, "/feeds/ooni-run");
  });

  it("drops an entry suspended by the next release, and signs the new list for the new serial", async () => {
    const before = await get(`/public/orders/${firstOrder}/ooni-run.json`);
    assert.ok(before.json().nettests[0].inputs.includes("https://www.fifostream.tv/"));
    await suspendTargets(store(), [fifostream]);
    serial = await publish(store(), policy);
    assert.notEqual(String(serial), before.headers["decree-serial"]);
    const after = await get(`/public/orders/${firstOrder}/ooni-run.json`);
    await assertSigned(after);
    assert.ok(!after.json().nettests[0].inputs.includes("https://www.fifostream.tv/"));
    assert.ok(!(await get("/feeds/citizenlab-csv")).body.includes("fifostream"));
  });

  it("serves each list's detached signature alone at its URL with .sig, over the list's exact bytes", async () => {
    const key = (await get("/keys")).json();
    for (const url of ["/feeds/citizenlab-csv?category=MMED", `/public/orders/${firstOrder}/ooni-run.json`]) {
      const list = await get(url);
      const signature = await get(url.replace(/(\?|$)/, ".sig$1"));
      assert.equal(signature.statusCode, 200, url);
      assert.equal(signature.headers["content-type"], "application/octet-stream");
      assert.equal(signature.headers["decree-key-id"], key.keyId);
      assert.ok(verifySignature(key.publicKey, list.rawPayload, signature.rawPayload), url);
    }
  });
});

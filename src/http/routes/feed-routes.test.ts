import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish, stopPagePolicy } from "../../../test/support/published-zone.ts";
import { feedDescriptionsFr } from "../../publish/renderers/feed-descriptions-fr.ts";
import { verifySignature } from "../../publish/signing-key.ts";
import { buildApp } from "../build-app.ts";

const policy = { ...stopPagePolicy, zone: "rpz.example.fr" };

describeEachEngine("feed routes", (store) => {
  let app: FastifyInstance;
  let dataDir: string;
  let first: number;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "decree-feed-routes-"));
    app = await buildApp({ store: store(), dataDir, policy });
    await approveTargets(store(), [{ value: "allostreaming.com", kind: "domain" }, "www.fifostream.tv"]);
    await approveTargets(store(), ["93.184.215.14", "2606:2800:220:1:248:1893:25c8:1946"], {
      measures: ["ip-block"],
    });
    first = await publish(store(), policy);
  });

  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: "GET", url, headers });

  it("lists the formats, the current serial and the public key at GET /feeds", async () => {
    const response = await get("/feeds");
    assert.equal(response.statusCode, 200);
    const index = response.json();
    const keys = (await get("/keys")).json();
    assert.equal(index.serial, first);
    assert.equal(index.zone, "rpz.example.fr");
    assert.deepEqual(
      [index.algorithm, index.keyId, index.publicKey],
      [keys.algorithm, keys.keyId, keys.publicKey],
    );
    assert.ok(index.formats.some((f: { format: string; diff: boolean }) => f.format === "json" && f.diff));
    assert.ok(
      index.formats.some((f: { format: string; diff: boolean }) => f.format === "unbound" && !f.diff),
    );
    assert.ok(index.piracyShield.includes("/api/v1/fqdn/get/all/txt/checksum"));
  });

  it("describes every format in French to whoever asks for French, and in English otherwise", async () => {
    const french = await get("/feeds", { "accept-language": "fr-FR,fr;q=0.9,en;q=0.5" });
    assert.equal(french.headers["content-language"], "fr");
    const english = (await get("/feeds")).json().formats as { format: string; description: string }[];
    const described = french.json().formats as { format: string; description: string }[];
    assert.deepEqual(
      described.map((f) => f.format),
      english.map((f) => f.format),
    );
    for (const [n, format] of described.entries()) {
      assert.ok(feedDescriptionsFr[format.format], `${format.format} has a French description`);
      assert.notEqual(format.description, english[n]!.description, `${format.format} is described in French`);
    }
  });

  it("serves a feed with its serial, ETag, signature and content type", async () => {
    const response = await get("/feeds/json");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(response.headers["decree-serial"], String(first));
    assert.equal(response.headers["decree-feed"], "full");
    const sha256 = createHash("sha256").update(response.rawPayload).digest("hex");
    assert.equal(response.headers.etag, `"${sha256.slice(0, 32)}"`);
    assert.equal(response.headers["content-length"], String(response.rawPayload.length));
    const [scheme, keyId, signature] = String(response.headers["decree-signature"]).split(" ");
    const key = (await get("/keys")).json();
    assert.deepEqual([scheme, keyId], ["ed25519", key.keyId]);
    assert.ok(verifySignature(key.publicKey, response.rawPayload, Buffer.from(signature!, "base64")));
    const document = response.json();
    assert.equal(document.zone, "rpz.example.fr");
    assert.deepEqual(
      document.entries.map((e: { kind: string; value: string }) => `${e.kind} ${e.value}`).sort(),
      [
        "domain allostreaming.com",
        "fqdn www.fifostream.tv",
        "ip 2606:2800:220:1:248:1893:25c8:1946",
        "ip 93.184.215.14",
      ],
    );
  });

  it("answers 304 Not Modified to a client that has the feed already", async () => {
    const { headers } = await get("/feeds/hosts");
    const again = await get("/feeds/hosts", { "if-none-match": `W/"other", ${headers.etag}` });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, "");
    assert.equal(again.headers.etag, headers.etag);
    assert.equal((await get("/feeds/hosts", { "if-none-match": '"other"' })).statusCode, 200);
  });

  it("answers HEAD with the headers of the feed and no body", async () => {
    const head = await app.inject({ method: "HEAD", url: "/feeds/list" });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, "");
    assert.equal(head.headers.etag, (await get("/feeds/list")).headers.etag);
  });

  it("serves the detached signature of the same bytes at /feeds/<format>.sig", async () => {
    const feed = await get("/feeds/rpz");
    const sig = await get("/feeds/rpz.sig");
    assert.equal(sig.statusCode, 200);
    assert.equal(sig.headers["content-type"], "application/octet-stream");
    assert.equal(sig.headers["decree-serial"], feed.headers["decree-serial"]);
    assert.equal(sig.rawPayload.length, 64);
    const key = (await get("/keys")).json();
    assert.ok(verifySignature(key.publicKey, feed.rawPayload, sig.rawPayload));
    assert.match(feed.body, /^\$ORIGIN rpz\.example\.fr\.$/m);
  });

  it("serves a diff since a serial where the format can say remove, the whole feed elsewhere", async () => {
    await approveTargets(store(), ["new.allourls.com"]);
    const to = await publish(store(), policy);
    const diff = await get(`/feeds/json?since=${first}`);
    assert.equal(diff.headers["decree-feed"], `diff; from=${first}`);
    assert.equal(diff.headers["decree-serial"], String(to));
    assert.deepEqual(diff.json(), {
      from: first,
      to,
      added: [{ kind: "fqdn", value: "new.allourls.com", action: "nxdomain" }],
      removed: [],
    });
    const list = await get(`/feeds/list?since=${first}`);
    assert.equal(list.body, "+new.allourls.com\n");
    const unbound = await get(`/feeds/unbound?since=${first}`);
    assert.equal(unbound.headers["decree-feed"], "full");
    assert.match(unbound.body, /^local-data: 'new\.allourls\.com\. 60 IN TXT/m);
    const unknown = await get("/feeds/json?since=4000000");
    assert.equal(unknown.headers["decree-feed"], "full");
    assert.equal(unknown.json().serial, to);
  });

  it("refuses an unknown format with a 404 FEED_UNKNOWN_FORMAT problem, a bad serial with 400", async () => {
    const unknown = await get("/feeds/bind9");
    assert.equal(unknown.statusCode, 404);
    assert.match(String(unknown.headers["content-type"]), /^application\/problem\+json/);
    assert.equal(unknown.json().code, "FEED_UNKNOWN_FORMAT");
    assert.equal((await get("/feeds/bind9.sig")).json().code, "FEED_UNKNOWN_FORMAT");
    const bad = await get("/feeds/json?since=yesterday");
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, "NUMBER_INVALID");
  });

  it("serves the Piracy Shield lists and checksums at the platform's own paths", async () => {
    const fqdn = await get("/api/v1/fqdn/get/all/txt");
    assert.equal(fqdn.headers["content-type"], "text/plain; charset=UTF-8");
    assert.deepEqual(fqdn.body.split("\n").sort(), [
      "allostreaming.com",
      "new.allourls.com",
      "www.fifostream.tv",
    ]);
    assert.ok(!fqdn.body.endsWith("\n"));
    const checksum = await get("/api/v1/fqdn/get/all/txt/checksum");
    assert.equal(checksum.body, createHash("sha256").update(fqdn.body).digest("hex"));
    assert.equal((await get("/api/v1/ipv4/get/all/txt")).body, "93.184.215.14");
    assert.equal((await get("/api/v1/ipv6/get/all/txt")).body, "2606:2800:220:1:248:1893:25c8:1946");
    const login = await app.inject({ method: "POST", url: "/api/v1/authentication/login", payload: {} });
    assert.equal(login.json().status, "success");
  });
});

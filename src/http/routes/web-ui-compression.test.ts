import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { buildApp } from "../build-app.ts";

const compressScript = new URL("../../../scripts/compress-web.mjs", import.meta.url).pathname;

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET over a socket, keeping the bytes as sent: fetch would decompress them. */
function get(base: string, path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, base), { headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () =>
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("the web UI sent compressed by decree itself", () => {
  const webRoot = mkdtempSync(join(tmpdir(), "decree-web-compressed-"));
  const script = `export const rows = [${Array.from({ length: 4000 }, (_, i) => `{id:${i},name:"target-${i}.example"}`).join(",")}];\n`;
  const page = `<!doctype html><html lang=fr><title>decree</title><link rel=stylesheet href=/assets/index-abc.css><div id=root></div><script type=module src=/assets/index-abc.js></script></html>\n`;
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    mkdirSync(join(webRoot, "assets"));
    writeFileSync(join(webRoot, "index.html"), page);
    writeFileSync(join(webRoot, "assets", "index-abc.js"), script);
    writeFileSync(join(webRoot, "assets", "tiny.js"), "1");
    execFileSync(process.execPath, [compressScript, webRoot]);
    opened = await storeEngines[0]!.open();
    app = await buildApp({ store: opened.store, webRoot });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it("writes a brotli and a gzip copy beside each text file at build, and none that would be larger", () => {
    for (const file of ["index.html", "assets/index-abc.js"]) {
      const original = readFileSync(join(webRoot, file));
      assert.deepEqual(brotliDecompressSync(readFileSync(join(webRoot, `${file}.br`))), original, file);
      assert.deepEqual(gunzipSync(readFileSync(join(webRoot, `${file}.gz`))), original, file);
    }
    assert.equal(existsSync(join(webRoot, "assets", "tiny.js.br")), false);
    assert.equal(existsSync(join(webRoot, "assets", "tiny.js.gz")), false);
  });

  it("sends a script as brotli, gzip or as it is by Accept-Encoding, each with its own ETag and Vary", async (t) => {
    const br = await get(base, "/assets/index-abc.js", { "accept-encoding": "gzip, deflate, br" });
    const gzip = await get(base, "/assets/index-abc.js", { "accept-encoding": "gzip" });
    const identity = await get(base, "/assets/index-abc.js", {});
    for (const answer of [br, gzip, identity]) {
      assert.equal(answer.status, 200);
      assert.match(answer.headers["content-type"] as string, /^(text|application)\/javascript/);
      assert.match(answer.headers.vary as string, /accept-encoding/i);
      assert.match(answer.headers["cache-control"] as string, /immutable/);
    }
    assert.equal(br.headers["content-encoding"], "br");
    assert.equal(brotliDecompressSync(br.body).toString(), script);
    assert.equal(gzip.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(gzip.body).toString(), script);
    assert.equal(identity.headers["content-encoding"], undefined);
    assert.equal(identity.body.toString(), script);
    assert.equal(new Set([br, gzip, identity].map((answer) => answer.headers.etag)).size, 3);
    assert.ok(br.body.length < gzip.body.length && gzip.body.length < identity.body.length / 4);
    t.diagnostic(
      `script: identity ${identity.body.length} B, gzip ${gzip.body.length} B, br ${br.body.length} B`,
    );
  });

  it("sends the file as it is to a browser that refuses both codings, or when no copy was written", async () => {
    const refused = await get(base, "/assets/index-abc.js", { "accept-encoding": "br;q=0, gzip;q=0, *;q=0" });
    assert.equal(refused.headers["content-encoding"], undefined);
    assert.equal(refused.body.toString(), script);
    const star = await get(base, "/assets/index-abc.js", { "accept-encoding": "*" });
    assert.ok(["br", "gzip"].includes(star.headers["content-encoding"] as string));
    const tiny = await get(base, "/assets/tiny.js", { "accept-encoding": "br, gzip" });
    assert.equal(tiny.headers["content-encoding"], undefined);
    assert.equal(tiny.body.toString(), "1");
  });

  it("sends the UI's page compressed too, with one ETag per coding that a revalidation matches", async () => {
    const html = "text/html,application/xhtml+xml,*/*;q=0.8";
    for (const url of ["/", "/portal/orders", "/desk/authority"]) {
      const br = await get(base, url, { accept: html, "accept-encoding": "br, gzip" });
      const gzip = await get(base, url, { accept: html, "accept-encoding": "gzip" });
      const identity = await get(base, url, { accept: html });
      assert.equal(br.headers["content-encoding"], "br", url);
      assert.equal(brotliDecompressSync(br.body).toString(), page, url);
      assert.equal(gzip.headers["content-encoding"], "gzip", url);
      assert.equal(gunzipSync(gzip.body).toString(), page, url);
      assert.equal(identity.headers["content-encoding"], undefined, url);
      assert.equal(identity.body.toString(), page, url);
      for (const answer of [br, gzip, identity]) {
        assert.match(answer.headers["content-type"] as string, /^text\/html; charset=utf-8/, url);
        assert.match(answer.headers.vary as string, /accept-encoding/i, url);
      }
      assert.equal(new Set([br, gzip, identity].map((answer) => answer.headers.etag)).size, 3, url);
      const again = await get(base, url, {
        accept: html,
        "accept-encoding": "br",
        "if-none-match": br.headers.etag as string,
      });
      assert.equal(again.status, 304, url);
      assert.equal(again.body.length, 0, url);
      const otherCoding = await get(base, url, {
        accept: html,
        "accept-encoding": "gzip",
        "if-none-match": br.headers.etag as string,
      });
      assert.equal(otherCoding.status, 200, url);
    }
  });

  it("keeps the API's JSON at / for a script", async () => {
    const index = await get(base, "/", { accept: "application/json", "accept-encoding": "br, gzip" });
    assert.equal(index.headers["content-encoding"], undefined);
    assert.equal(JSON.parse(index.body.toString()).name, "decree");
  });
});

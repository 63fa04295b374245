import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { buildApp } from "./build-app.ts";
import { webUiPolicy } from "./security-headers.ts";

describeEachEngine("security headers", (store) => {
  let app: FastifyInstance;
  before(async () => {
    app = await buildApp({ store: store() });
  });
  after(() => app.close());

  it("says nosniff on every answer: JSON, problems, feeds, CSV and the router's own refusals", async () => {
    for (const url of [
      "/orders",
      "/orders/999",
      "/feeds/hosts",
      "/compliance/probes.csv",
      "/nowhere",
      "/openapi.json",
    ]) {
      const response = await app.inject({ url });
      assert.equal(response.headers["x-content-type-options"], "nosniff", url);
    }
  });

  it("gives HTML a strict Content-Security-Policy: no inline code but the appeal pages' hashed style", async () => {
    const form = await app.inject({ url: "/appeals/new", headers: { accept: "text/html" } });
    assert.equal(form.statusCode, 200);
    const policy = String(form.headers["content-security-policy"]);
    assert.match(policy, /default-src 'none'/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    const style = /<style>([^<]*)<\/style>/.exec(form.body)?.[1] ?? "";
    const hash = createHash("sha256").update(style).digest("base64");
    assert.ok(policy.includes(`'sha256-${hash}'`), "the inline style's hash is in the policy");
    assert.match(policy, /form-action 'self'/);
    const ui = await app.inject({ url: "/", headers: { accept: "text/html" } });
    if (ui.statusCode === 200) {
      assert.equal(ui.headers["content-security-policy"], webUiPolicy);
      assert.doesNotMatch(
        ui.body,
        /<script>|<style>/,
        "the built UI has no inline code for the policy to allow",
      );
    }
    const docs = await app.inject({ url: "/docs/static/index.html" });
    if (docs.statusCode === 200)
      assert.ok(docs.headers["content-security-policy"], "Swagger UI has a policy");
  });
});

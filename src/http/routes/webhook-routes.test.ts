import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { bearer, workflowCounts } from "../../../test/support/workflow.ts";
import { maxWebhooksPerOrganisation } from "../../publish/webhooks/register-webhook.ts";
import { buildApp } from "../build-app.ts";

describeEachEngine("webhooks over HTTP", (store) => {
  let app: FastifyInstance;
  let orange: string;
  let free: string;

  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder, webhookAllowPrivate: true });
    orange = (await tokenFor(store(), "operator", "Orange")).token;
    free = (await tokenFor(store(), "operator", "Free")).token;
  });
  after(() => app.close());

  function register(token: string, url: string) {
    return app.inject({ method: "POST", url: "/webhooks", headers: bearer(token), payload: { url } });
  }

  it("refuses a receiver on loopback or a private address unless the configuration allows it", async () => {
    const strict = await buildApp({ store: store(), now: () => duringOrder });
    try {
      const res = await strict.inject({
        method: "POST",
        url: "/webhooks",
        headers: bearer(orange),
        payload: { url: "http://169.254.169.254/latest/meta-data" },
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json().code, "WEBHOOK_INVALID");
    } finally {
      await strict.close();
    }
  });

  it("shows the secret once, on registration, and lists an organisation's own webhooks only", async () => {
    const res = await register(orange, "https://hooks.orange.example/decree?team=dns");
    assert.equal(res.statusCode, 201, res.body);
    assert.match(res.json().secret, /^[A-Za-z0-9_-]{43}$/);
    const listed = await app.inject({ url: "/webhooks", headers: bearer(orange) });
    assert.deepEqual(
      listed.json().webhooks.map((w: { id: number; url: string }) => [w.id, w.url]),
      [[res.json().id, "https://hooks.orange.example/decree?team=dns"]],
    );
    assert.ok(!listed.body.includes(res.json().secret));
    const others = await app.inject({ url: "/webhooks", headers: bearer(free) });
    assert.deepEqual(others.json().webhooks, []);
    const event = await store()
      .db.selectFrom("events")
      .selectAll()
      .where("action", "=", "webhook.registered")
      .executeTakeFirstOrThrow();
    assert.equal(JSON.parse(event.data).origin, "https://hooks.orange.example");
    assert.ok(!event.data.includes("team=dns"), "the event names the origin only");
  });

  it("keeps a webhook's language for its summaries, English unless told, and refuses one decree does not speak", async () => {
    const english = await register(free, "https://hooks.free.example/en");
    assert.equal(english.json().language, "en");
    const french = await app.inject({
      method: "POST",
      url: "/webhooks",
      headers: bearer(free),
      payload: { url: "https://hooks.free.example/fr", language: "fr" },
    });
    assert.equal(french.statusCode, 201, french.body);
    assert.equal(french.json().language, "fr");
    const listed = await app.inject({ url: "/webhooks", headers: bearer(free) });
    assert.deepEqual(
      listed.json().webhooks.map((w: { language: string }) => w.language),
      ["en", "fr"],
    );
    const german = await app.inject({
      method: "POST",
      url: "/webhooks",
      headers: bearer(free),
      payload: { url: "https://hooks.free.example/de", language: "de" },
    });
    assert.equal(german.statusCode, 400, german.body);
    for (const hook of [english, french]) {
      await app.inject({ method: "DELETE", url: `/webhooks/${hook.json().id}`, headers: bearer(free) });
    }
  });

  it("deletes an organisation's own webhook, and answers another's id as a missing one", async () => {
    const mine = (await register(free, "https://hooks.free.example/a")).json();
    const theirs = (await register(orange, "https://hooks.orange.example/b")).json();
    const before = await workflowCounts(store());
    const denied = await app.inject({
      method: "DELETE",
      url: `/webhooks/${theirs.id}`,
      headers: bearer(free),
    });
    assert.equal(denied.statusCode, 404);
    assert.equal(denied.json().code, "WEBHOOK_NOT_FOUND");
    assert.deepEqual(await workflowCounts(store()), before);
    const res = await app.inject({ method: "DELETE", url: `/webhooks/${mine.id}`, headers: bearer(free) });
    assert.equal(res.statusCode, 200);
    const again = await app.inject({ method: "DELETE", url: `/webhooks/${mine.id}`, headers: bearer(free) });
    assert.equal(again.statusCode, 404);
  });

  it("refuses URLs it cannot or should not call, and more than the limit", async () => {
    const before = await workflowCounts(store());
    for (const url of [
      "not a url",
      "ftp://hooks.example/x",
      "javascript:alert(1)",
      "https://user:password@hooks.example/x",
      "https://hooks.example/x#fragment",
    ]) {
      const res = await register(free, url);
      assert.equal(res.statusCode, 422, url);
      assert.equal(res.json().code, "WEBHOOK_INVALID", url);
    }
    assert.equal((await register(free, `https://hooks.example/${"x".repeat(3000)}`)).statusCode, 400);
    assert.deepEqual(await workflowCounts(store()), before);
    const search = (await tokenFor(store(), "search-engine", "Qwant")).token;
    for (let i = 0; i < maxWebhooksPerOrganisation; i++) {
      assert.equal((await register(search, `https://hooks.qwant.example/${i}`)).statusCode, 201);
    }
    const over = await register(search, "https://hooks.qwant.example/one-too-many");
    assert.equal(over.statusCode, 409);
    assert.equal(over.json().code, "WEBHOOK_LIMIT");
    const applicant = (await tokenFor(store(), "applicant")).token;
    assert.equal((await register(applicant, "https://hooks.example/")).statusCode, 403);
  });
});

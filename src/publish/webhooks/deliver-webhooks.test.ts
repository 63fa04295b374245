import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, it } from "node:test";
import { tokenFor } from "../../../test/support/accounts.ts";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { startWebhookReceiver } from "../../../test/support/webhook-receiver.ts";
import { deliverWebhooks } from "./deliver-webhooks.ts";
import { disableWebhook } from "./disable-webhook.ts";
import { listWebhooks } from "./list-webhooks.ts";
import { registerWebhook } from "./register-webhook.ts";
import { verifyWebhookSignature, webhookSignature } from "./webhook-signature.ts";

const seconds = (n: number) => n * 1000;
const at = (offset: number) => new Date(duringOrder.getTime() + offset);
// The receivers listen on loopback, which decree refuses to call unless told (webhook-destination.ts).
const fast = {
  retryBaseMs: 1000,
  maxRetryDelayMs: 4000,
  maxAttempts: 4,
  timeoutMs: 2000,
  allowPrivateDestinations: true,
};
const loopbackAllowed = { allowPrivateDestinations: true };

describeEachEngine("delivering releases to webhooks", (store) => {
  let organisationId: number;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  before(async () => {
    organisationId = (await tokenFor(store(), "operator", "Orange")).principal.organisationId;
  });
  after(() => receiver?.close());

  const context = (now = duringOrder) => ({ organisationId, actor: "test:orange", now });

  it("POSTs each new release, signed over timestamp and body, and the receiver can verify it", async () => {
    receiver = await startWebhookReceiver();
    await publish(store());
    const hook = await registerWebhook(store(), receiver.url, context(), loopbackAllowed);
    await approveTargets(store(), ["hooked.example-films.com"]);
    const serial = await publish(store());
    const run = await deliverWebhooks(store(), { ...fast, now: at(0) });
    assert.deepEqual(run, { queued: 1, delivered: 1, retrying: 0, failed: 0 });
    const [request] = receiver.received;
    assert.ok(request);
    assert.equal(request.method, "POST");
    assert.equal(request.headers["content-type"], "application/json");
    const body = JSON.parse(request.body);
    assert.equal(body.type, "release");
    assert.equal(body.release.serial, serial);
    assert.equal(body.release.added > 0, true);
    assert.equal(body.links.diff, `/feeds/json?since=${body.release.previousSerial}`);
    assert.equal(hook.language, "en");
    assert.match(
      body.summary,
      new RegExp(`^Release ${serial} published: \\d+ entr(y|ies) added, \\d+ removed$`),
    );
    const signed = {
      secret: hook.secret,
      body: request.body,
      timestamp: String(request.headers["decree-timestamp"]),
      signature: String(request.headers["decree-signature"]),
    };
    assert.equal(signed.timestamp, String(Math.floor(at(0).getTime() / 1000)));
    assert.match(signed.signature, /^sha256=[0-9a-f]{64}$/);
    assert.equal(verifyWebhookSignature({ ...signed, now: at(seconds(10)) }), true);
    // A tampered body, another secret, or a replay ten minutes later do not verify.
    assert.equal(verifyWebhookSignature({ ...signed, body: `${signed.body} `, now: at(0) }), false);
    assert.equal(verifyWebhookSignature({ ...signed, secret: "another", now: at(0) }), false);
    assert.equal(verifyWebhookSignature({ ...signed, now: at(seconds(600)) }), false);
    assert.equal(
      verifyWebhookSignature({
        ...signed,
        timestamp: String(Number(signed.timestamp) + 1),
        now: at(0),
      }),
      false,
    );
    // Nothing new: nothing sent.
    assert.deepEqual(await deliverWebhooks(store(), { ...fast, now: at(seconds(1)) }), {
      queued: 0,
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    assert.equal(receiver.received.length, 1);
    await disableWebhook(store(), hook.id, context());
  });

  it("tells a person what a delivery is in the webhook's language, beside the same machine fields", async () => {
    await receiver.close();
    receiver = await startWebhookReceiver();
    const hook = await registerWebhook(store(), receiver.url, context(), {
      ...loopbackAllowed,
      language: "fr",
    });
    await approveTargets(store(), ["francais.example-films.com"]);
    const serial = await publish(store());
    await deliverWebhooks(store(), { ...fast, now: at(0) });
    const body = JSON.parse(receiver.received.at(-1)!.body);
    assert.equal(body.type, "release");
    assert.equal(body.release.serial, serial);
    assert.match(body.summary, new RegExp(`^Publication ${serial} : 1 entrée ajoutée, \\d+ retirées?$`));
    const [listed] = await listWebhooks(store().db, organisationId);
    assert.equal(listed?.language, "fr");
    await disableWebhook(store(), hook.id, context());
  });

  it("retries a failing receiver with exponential backoff, from the store, and gives up in the end", async () => {
    await receiver.close();
    receiver = await startWebhookReceiver([500, 503, 502, 500, 500, 500]);
    const hook = await registerWebhook(store(), receiver.url, context(), loopbackAllowed);
    await approveTargets(store(), ["retried.example-films.com"]);
    await publish(store());
    const first = await deliverWebhooks(store(), { ...fast, now: at(0) });
    assert.deepEqual(first, { queued: 1, delivered: 0, retrying: 1, failed: 0 });
    const delivery = () =>
      store()
        .db.selectFrom("webhook_deliveries")
        .selectAll()
        .where("webhook_id", "=", hook.id)
        .executeTakeFirstOrThrow();
    assert.equal((await delivery()).next_attempt_at, at(seconds(1)).toISOString());
    assert.equal((await delivery()).last_error, "HTTP 500");
    // Not yet due: nothing is sent.
    await deliverWebhooks(store(), { ...fast, now: at(seconds(1) - 1) });
    assert.equal(receiver.received.length, 1);
    // Each retry waits twice as long as the one before: 1 s, 2 s, then 4 s (the cap).
    await deliverWebhooks(store(), { ...fast, now: at(seconds(1)) });
    assert.equal((await delivery()).next_attempt_at, at(seconds(3)).toISOString());
    await deliverWebhooks(store(), { ...fast, now: at(seconds(3)) });
    assert.equal((await delivery()).next_attempt_at, at(seconds(7)).toISOString());
    const last = await deliverWebhooks(store(), { ...fast, now: at(seconds(7)) });
    assert.deepEqual(last, { queued: 0, delivered: 0, retrying: 0, failed: 1 });
    assert.equal((await delivery()).status, "failed");
    assert.equal((await delivery()).attempt, 4);
    assert.equal(receiver.received.length, 4);
    const ids = new Set(receiver.received.map((r) => r.headers["decree-delivery"]));
    assert.equal(ids.size, 1, "every attempt carries the same delivery id");
    const [listed] = await listWebhooks(store().db, organisationId);
    assert.equal(listed?.lastDelivery?.status, "failed");
    assert.equal("secret" in (listed ?? {}), false);
    await disableWebhook(store(), hook.id, context());
  });

  it("delivers what a restart left pending, and nothing to a deleted webhook", async () => {
    await receiver.close();
    receiver = await startWebhookReceiver([500]);
    const kept = await registerWebhook(store(), receiver.url, context(), loopbackAllowed);
    const dropped = await registerWebhook(store(), `${receiver.url}?dropped`, context(), loopbackAllowed);
    await approveTargets(store(), ["resumed.example-films.com"]);
    await publish(store());
    await deliverWebhooks(store(), { ...fast, now: at(0) });
    assert.equal(receiver.received.length, 2);
    await disableWebhook(store(), dropped.id, context());
    // A new process (nothing in memory) resumes from the store.
    const resumed = await deliverWebhooks(store(), { ...fast, now: at(seconds(1)) });
    assert.equal(resumed.delivered, 1);
    assert.equal(receiver.received.length, 3);
    assert.equal(
      receiver.received[2]!.headers["decree-delivery"],
      receiver.received[0]!.headers["decree-delivery"],
    );
    assert.ok(!receiver.received[2]!.body.includes("dropped"));
    await disableWebhook(store(), kept.id, context());
  });

  it("counts a receiver that does not answer in time as a failure to retry", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const hook = await registerWebhook(store(), `http://127.0.0.1:${port}/`, context(), loopbackAllowed);
      await approveTargets(store(), ["silent.example-films.com"]);
      await publish(store());
      const run = await deliverWebhooks(store(), { ...fast, timeoutMs: 200, now: at(0) });
      assert.equal(run.retrying, 1);
      const row = await store()
        .db.selectFrom("webhook_deliveries")
        .selectAll()
        .where("webhook_id", "=", hook.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.last_error, "no answer within 200 ms");
      await disableWebhook(store(), hook.id, context());
    } finally {
      silent.close();
    }
  });

  it("does not call a receiver whose name resolves to loopback unless allowed, and records why", async () => {
    const guarded = await startWebhookReceiver();
    try {
      const hook = await registerWebhook(
        store(),
        guarded.url.replace("127.0.0.1", "localhost"),
        context(),
        loopbackAllowed,
      );
      await approveTargets(store(), ["guarded.example-films.com"]);
      await publish(store());
      const { allowPrivateDestinations: _, ...strict } = fast;
      const run = await deliverWebhooks(store(), { ...strict, now: at(0) });
      assert.equal(run.delivered, 0);
      assert.equal(guarded.received.length, 0);
      const row = await store()
        .db.selectFrom("webhook_deliveries")
        .selectAll()
        .where("webhook_id", "=", hook.id)
        .executeTakeFirstOrThrow();
      assert.match(row.last_error ?? "", /localhost resolves to .* not a public address/);
      await disableWebhook(store(), hook.id, context());
    } finally {
      await guarded.close();
    }
  });

  it("signs with HMAC-SHA256 over the timestamp, a dot and the body", () => {
    // Computed once with `openssl dgst -sha256 -hmac whsec-test` over the framed bytes: a receiver in any
    // language reproduces it from the description alone.
    assert.equal(
      webhookSignature("whsec-test", 1_700_000_000, '{"type":"release"}'),
      "sha256=45cb2f9f32f078e8bcdede8a2dc1e242bb4599bb8beaa6babbef8e865cbabddf",
    );
  });
});

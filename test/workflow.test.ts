import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config/load-config.ts";
import { type RunningService, startService } from "../src/main.ts";
import { verifyWebhookSignature } from "../src/publish/webhooks/webhook-signature.ts";
import { tokenFor } from "./support/accounts.ts";
import { pollUntil } from "./support/poll.ts";
import { createTestDatabase, type TestPostgres } from "./support/postgres.ts";
import { startWebhookReceiver } from "./support/webhook-receiver.ts";
import { bearer } from "./support/workflow.ts";

const engines = ["sqlite", "postgres"] as const;

/**
 * The whole workflow over real HTTP, as the parties would run it: an applicant submits an order and its
 * targets, the authority confirms and approves, the release goes out (serial, webhook), an operator
 * acknowledges, and an addressee that does not is flagged when the order's deadline (here two seconds) has
 * passed.
 */
for (const engine of engines) {
  describe(`the workflow from order to acknowledgment over HTTP (${engine})`, { timeout: 60_000 }, () => {
    const dataDir = mkdtempSync(join(tmpdir(), "decree-workflow-"));
    let database: TestPostgres | undefined;
    let service: RunningService;
    let base: string;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

    before(async () => {
      database = engine === "postgres" ? await createTestDatabase() : undefined;
      const config = loadConfig(
        {
          config: "/dev/null",
          data: dataDir,
          databaseUrl: database?.url,
          http: "127.0.0.1:0",
          dns: "127.0.0.1:0",
          stop: "127.0.0.1:0",
        },
        // The test's webhook receiver is on loopback, which decree refuses to call unless told.
        { DECREE_WEBHOOK_ALLOW_PRIVATE: "true" },
      );
      service = await startService(config, { clockIntervalMs: 50 });
      base = `http://${service.http.host}:${service.http.port}`;
      receiver = await startWebhookReceiver();
    });
    after(async () => {
      await service?.close();
      await receiver?.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function call(method: string, path: string, token: string | undefined, body?: unknown) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? bearer(token) : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    }

    async function currentSerial(): Promise<number> {
      const response = await fetch(`${base}/feeds/json`);
      await response.arrayBuffer();
      return Number(response.headers.get("decree-serial"));
    }

    it("takes an applicant's order through confirmation, review and publication to acknowledgments", async () => {
      const store = service.store;
      const applicant = (await tokenFor(store, "applicant", "APC")).token;
      const authority = (await tokenFor(store, "authority", "ARCOM")).token;
      const orange = (await tokenFor(store, "operator", "Orange")).token;
      await tokenFor(store, "operator", "Free");

      const hook = await call("POST", "/webhooks", orange, { url: receiver.url });
      assert.equal(hook.status, 201);

      const today = new Date().toISOString().slice(0, 10);
      const submitted = await call("POST", "/orders", applicant, {
        kind: "court-decision",
        authority: "Tribunal judiciaire de Paris",
        jurisdiction: "FR",
        caseNumber: `RG 26/${engine}`,
        decisionDate: today,
        applicants: ["APC"],
        addressees: [
          { name: "Orange", role: "operator" },
          { name: "Free", role: "operator" },
        ],
        measures: ["dns-block"],
        deadline: "PT2S",
        validity: { from: today, duration: "P1Y" },
      });
      assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
      const orderId = submitted.body.order.id;
      assert.equal(submitted.body.order.confirmedAt, null);

      const targets = await call("POST", `/orders/${orderId}/targets`, applicant, {
        targets: ["stream.example-films.com", { value: "*.allofilms-mirror.net" }, "github.io"],
        skipInvalid: true,
      });
      assert.equal(targets.status, 201);
      assert.deepEqual(
        targets.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
        [[2, "TARGET_PUBLIC_SUFFIX"]],
      );
      const ids = targets.body.added.map((t: { id: number }) => t.id);

      const early = await call("POST", "/targets/decisions", authority, {
        decision: "approve",
        targets: ids,
        reason: "named in the decision",
      });
      assert.equal(early.body.code, "ORDER_NOT_CONFIRMED");
      assert.equal((await call("POST", `/orders/${orderId}/confirm`, authority)).status, 200);

      const queue = await call("GET", `/review/queue?order=${orderId}`, authority);
      assert.deepEqual(
        queue.body.targets.map((t: { id: number }) => t.id),
        ids,
      );
      const before = await currentSerial();
      const approved = await call("POST", "/targets/decisions", authority, {
        decision: "approve",
        targets: ids,
        reason: "named in the decision",
      });
      assert.equal(approved.status, 200, JSON.stringify(approved.body));

      const serial = await pollUntil("the release serial to move", async () => {
        const now = await currentSerial();
        return now > before ? now : undefined;
      });
      const feed = await (await fetch(`${base}/feeds/list`)).text();
      assert.match(feed, /stream\.example-films\.com/);

      const ack = await call("POST", `/releases/${serial}/ack`, orange);
      assert.equal(ack.status, 201);
      assert.equal(ack.body.acknowledgment.serial, serial);
      assert.ok(ack.body.acknowledgment.timeToAckMs >= 0);

      const delivered = await pollUntil("the webhook to receive the release", async () =>
        receiver.received.find((request) => JSON.parse(request.body).release.serial === serial),
      );
      assert.equal(
        verifyWebhookSignature({
          secret: hook.body.secret,
          body: delivered.body,
          timestamp: String(delivered.headers["decree-timestamp"]),
          signature: String(delivered.headers["decree-signature"]),
          now: new Date(),
        }),
        true,
      );

      const breaches = await pollUntil(
        "Free to be flagged once the two-second deadline has passed",
        async () => {
          const listed = await call("GET", "/compliance/breaches", authority);
          return listed.body.breaches.length > 0 ? listed.body.breaches : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      assert.deepEqual(
        breaches.map((b: { organisationName: string; orderId: number }) => [b.organisationName, b.orderId]),
        [["Free", orderId]],
      );
      const ownAcks = await call("GET", "/compliance/acks", orange);
      assert.deepEqual(
        ownAcks.body.acknowledgments.map((a: { serial: number }) => a.serial),
        [serial],
      );
      const orangeBreaches = await call("GET", "/compliance/breaches", orange);
      assert.deepEqual(orangeBreaches.body.breaches, []);
    });
  });
}

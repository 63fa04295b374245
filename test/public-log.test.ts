import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { createOrganisation } from "../src/accounts/organisations.ts";
import { buildApp } from "../src/http/build-app.ts";
import { confirmOrder } from "../src/intake/confirm-order.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { buildRelease } from "../src/publish/build-release.ts";
import { publishCheckpoint } from "../src/publish/publish-checkpoint.ts";
import { defaultRpzPolicy } from "../src/publish/rpz-policy.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import type { Database } from "../src/store/database.ts";
import { runCli } from "./support/run-cli.ts";
import { duringOrder, sampleOrder } from "./support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "./support/stores.ts";

const origin = "registry.test/log";

/**
 * The public log end to end, from outside: the registry publishes, `decree verify` checks what it serves over
 * HTTP, and then the registry's operator tampers with the store the ways a log must make visible.
 */
describe("decree verify against a registry's public log", () => {
  let opened: StoreUnderTest;
  let app: FastifyInstance;
  let base: string;
  let key: string;
  const dir = mkdtempSync(join(tmpdir(), "decree-verify-"));
  const state = join(dir, "watch");

  async function block(names: string[]) {
    const { targets } = await recordOrder(opened.store, sampleOrder({ targets: names }), {
      actor: "user:1",
      now: duringOrder,
    });
    const refs = (targets?.added ?? []).map((t) => String(t.id));
    await decideTargets(opened.store, {
      decision: "approve",
      refs,
      reason: "ordered",
      actor: "someone@example.org",
      now: duringOrder,
    });
  }

  async function releaseAndSign() {
    const { db, dialect } = opened.store;
    const release = await buildRelease(db, dialect, defaultRpzPolicy, duringOrder);
    assert.ok(release);
    return publishCheckpoint(db, dialect, {
      origin,
      upToEventId: release.eventId,
      releaseId: release.id,
      now: duringOrder,
    });
  }

  async function saveFeed(name: string): Promise<string> {
    const response = await fetch(`${base}/feeds/json`);
    const file = join(dir, name);
    writeFileSync(file, await response.text());
    return file;
  }

  before(async () => {
    opened = await storeEngines[0]!.open();
    await block(["allostreaming.com", "alloshowtv.com"]);
    await releaseAndSign();
    app = await buildApp({ store: opened.store, now: () => duringOrder, dataDir: join(dir, "data") });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    key = ((await (await fetch(`${base}/keys`)).json()) as { publicKey: string }).publicKey;
  });
  after(async () => {
    await app.close();
    await opened.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("checks the registry's signature on its checkpoint, and refuses another key", async () => {
    const good = await runCli(["verify", "checkpoint", base, "--key", key]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /VERIFIED: checkpoint signature/);
    assert.match(good.stdout, new RegExp(`origin: ${origin}`));
    const other = Buffer.alloc(32, 7).toString("base64");
    const bad = await runCli(["verify", "checkpoint", `${base}/log/checkpoint`, "--key", other]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /VERIFICATION FAILED/);
    assert.match(bad.stderr, /VERIFY_FAILED/);
  });

  it("finds every entry of the JSON feed backed by the log, and the feed's release at the end of its checkpoint", async () => {
    const feed = await saveFeed("feed-1.json");
    const result = await runCli(["--json", "verify", "feed", feed, "--log", base, "--key", key]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.facts.entries, 2);
    assert.equal(report.facts.backed, 2);
  });

  it("refuses a feed that lists a name the log never made active", async () => {
    const feed = JSON.parse(await (await fetch(`${base}/feeds/json`)).text());
    feed.entries.push({ kind: "fqdn", value: "innocent.example", action: "nxdomain" });
    const file = join(dir, "forged-feed.json");
    writeFileSync(file, JSON.stringify(feed));
    const result = await runCli(["verify", "feed", file, "--log", base, "--key", key]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /\[UNBACKED\]/);
    assert.match(result.stdout, /innocent\.example/);
  });

  it("watches the log grow and proves each new checkpoint consistent with the last one seen", async () => {
    const first = await runCli(["--json", "verify", "watch", base, "--state", state, "--key", key]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const before = JSON.parse(first.stdout).facts.size as number;
    await block(["fifostream.tv"]);
    await releaseAndSign();
    const second = await runCli(["--json", "verify", "watch", base, "--state", state]);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const report = JSON.parse(second.stdout);
    assert.ok(report.facts.size > before);
    assert.equal(report.facts.previous.size, before);
  });

  describe("what the API hides", () => {
    const pendingCase = "RG 26/SECRET-PENDING";
    const pendingName = "pending-order-target.fr";
    const proposedName = "proposed-only-target.fr";
    let pendingOrderId = 0;
    let proposedIds: string[] = [];

    /** Every byte of the log a stranger can read: entries, entry bundles, hash tiles, the checkpoint. */
    async function everythingPublic(): Promise<string> {
      const note = await (await fetch(`${base}/log/checkpoint`)).text();
      const size = Number(note.split("\n")[1]);
      const bodies = [note];
      for (let start = 0; start < size; start += 1000) {
        const end = Math.min(size, start + 1000);
        bodies.push(await (await fetch(`${base}/log/entries?start=${start}&end=${end}`)).text());
      }
      for (let tile = 0; tile * 256 < size; tile++) {
        const width = Math.min(256, size - tile * 256);
        const path = `${String(tile).padStart(3, "0")}${width === 256 ? "" : `.p/${width}`}`;
        for (const kind of ["entries", "0"]) {
          const response = await fetch(`${base}/log/tile/${kind}/${path}`);
          assert.equal(response.status, 200, `${kind}/${path}`);
          bodies.push(Buffer.from(await response.arrayBuffer()).toString("latin1"));
        }
      }
      return bodies.join("\n");
    }

    it("logs an unconfirmed order and a proposed target as commitments that name nothing", async () => {
      const applicant = await createOrganisation(
        opened.store.db,
        { name: "Applicant Studio" },
        { actor: "test", now: duringOrder },
      );
      const pending = await recordOrder(
        opened.store,
        sampleOrder({ caseNumber: pendingCase, targets: [pendingName] }),
        { actor: "user:2", now: duringOrder, ownerOrganisationId: applicant.id },
      );
      pendingOrderId = pending.order.id;
      const proposed = await recordOrder(opened.store, sampleOrder({ targets: [proposedName] }), {
        actor: "user:1",
        now: duringOrder,
      });
      proposedIds = (proposed.targets?.added ?? []).map((t) => String(t.id));
      await block(["published-beside.fr"]);
      await releaseAndSign();
      const served = await everythingPublic();
      for (const hidden of [pendingCase, pendingName, proposedName]) {
        assert.ok(!served.includes(hidden), `${hidden} is not readable in the public log`);
      }
      assert.ok(served.includes("published-beside.fr"), "an entry is readable");
      // The API hides them too: the log tells no more than it.
      assert.equal((await fetch(`${base}/orders/${pendingOrderId}/targets`)).status, 404);

      const feed = await saveFeed("feed-hidden.json");
      const result = await runCli(["--json", "verify", "feed", feed, "--log", base, "--key", key]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const report = JSON.parse(result.stdout);
      assert.ok(report.facts.commitments.unrevealed >= 3, JSON.stringify(report.facts.commitments));
    });

    it("reveals them, salt and event, once the order is confirmed and the targets approved, and the feed verifies", async () => {
      await confirmOrder(opened.store, pendingOrderId, { actor: "user:1", now: duringOrder });
      const pendingTargets = await opened.store.db
        .selectFrom("targets")
        .select("id")
        .where("order_id", "=", pendingOrderId)
        .execute();
      await decideTargets(opened.store, {
        decision: "approve",
        refs: [...proposedIds, ...pendingTargets.map((t) => String(t.id))],
        reason: "ordered",
        actor: "user:1",
        now: duringOrder,
      });
      await releaseAndSign();
      const served = await everythingPublic();
      for (const revealed of [pendingCase, pendingName, proposedName]) {
        assert.ok(served.includes(revealed), `${revealed} is revealed`);
      }
      const feed = await saveFeed("feed-revealed.json");
      const result = await runCli(["--json", "verify", "feed", feed, "--log", base, "--key", key]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const report = JSON.parse(result.stdout);
      assert.ok(report.facts.commitments.revealed >= 3, JSON.stringify(report.facts.commitments));
      assert.equal(report.facts.backed, report.facts.entries);
      assert.ok(
        JSON.parse(await (await fetch(`${base}/feeds/json`)).text()).entries.some(
          (e: { value: string }) => e.value === pendingName,
        ),
      );
    });

    it("fails verification naming the leaf when a revealed event or its salt is changed in the store", async () => {
      const { db } = opened.store;
      const victim = await db
        .selectFrom("log_commitments")
        .innerJoin("log_leaves", "log_leaves.event_id", "log_commitments.event_id")
        .innerJoin("events", "events.id", "log_commitments.event_id")
        .innerJoin("targets", "targets.id", "events.subject_id")
        .select(["log_leaves.idx", "events.id", "events.reason", "log_commitments.salt"])
        .where("events.action", "=", "target.proposed")
        .where("targets.value", "=", proposedName)
        .executeTakeFirstOrThrow();
      const feed = await saveFeed("feed-tampered.json");
      const leafNamed = new RegExp(`\\[REVEAL\\] Leaf ${victim.idx} \\(event ${victim.id}\\)`);
      try {
        await db
          .updateTable("events")
          .set({ reason: "proposed by nobody" })
          .where("id", "=", victim.id)
          .execute();
        const content = await runCli(["verify", "feed", feed, "--log", base, "--key", key]);
        assert.equal(content.code, 1, content.stdout);
        assert.match(content.stdout, leafNamed);
      } finally {
        await db.updateTable("events").set({ reason: victim.reason }).where("id", "=", victim.id).execute();
      }
      try {
        await db
          .updateTable("log_commitments")
          .set({ salt: Buffer.alloc(32, 1) })
          .where("event_id", "=", victim.id)
          .execute();
        const salted = await runCli(["verify", "feed", feed, "--log", base, "--key", key]);
        assert.equal(salted.code, 1, salted.stdout);
        assert.match(salted.stdout, leafNamed);
      } finally {
        await db
          .updateTable("log_commitments")
          .set({ salt: Buffer.from(victim.salt) })
          .where("event_id", "=", victim.id)
          .execute();
      }
      const restored = await runCli(["verify", "feed", feed, "--log", base, "--key", key]);
      assert.equal(restored.code, 0, restored.stdout);
      // The watcher follows too: a committed leaf never changes, revealed or not.
      const watched = await runCli(["verify", "watch", base, "--state", state]);
      assert.equal(watched.code, 0, watched.stdout);
    });
  });

  it("catches a past event rewritten directly in the database, naming the leaf and the event", async () => {
    const feed = await saveFeed("feed-2.json");
    const { db } = opened.store;
    const victim = await db
      .selectFrom("log_leaves")
      .innerJoin("events", "events.id", "log_leaves.event_id")
      .select(["log_leaves.idx", "events.id"])
      .where("events.action", "=", "target.approved")
      .orderBy("log_leaves.idx")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("events")
      .set({ reason: "approved without an order" })
      .where("id", "=", victim.id)
      .execute();

    const watched = await runCli(["verify", "watch", base, "--state", state]);
    assert.equal(watched.code, 1, watched.stdout);
    assert.match(watched.stdout, /VERIFICATION FAILED/);
    assert.match(watched.stdout, new RegExp(`\\[REWRITE\\] Leaf ${victim.idx} \\(event ${victim.id}\\)`));
    assert.match(watched.stderr, /VERIFY_FAILED/);

    const checked = await runCli(["verify", "feed", feed, "--log", base, "--key", key]);
    assert.equal(checked.code, 1, checked.stdout);
    assert.match(
      checked.stdout,
      new RegExp(`\\[REWRITE\\] Leaf ${victim.idx} \\(event ${victim.id}\\) was rewritten`),
    );
  });

  it("reports a fork when the operator recomputes the whole log over the rewritten history", async () => {
    const { db, dialect } = opened.store;
    await eraseLog(db);
    await publishCheckpoint(db, dialect, { origin, now: duringOrder });
    const watched = await runCli(["verify", "watch", base, "--state", state]);
    assert.equal(watched.code, 1, watched.stdout);
    assert.match(watched.stdout, /\[FORK\] Two signed roots for size \d+/);
    assert.match(watched.stdout, /previousCheckpoint/);
  });

  it("reports removed events when the registry serves a log shorter than one seen before", async () => {
    const { db, dialect } = opened.store;
    await eraseLog(db);
    const third = await db
      .selectFrom("events")
      .select("id")
      .where("subject_type", "in", ["order", "target", "appeal", "release"])
      .orderBy("id")
      .offset(2)
      .limit(1)
      .executeTakeFirstOrThrow();
    await publishCheckpoint(db, dialect, { origin, upToEventId: third.id, now: duringOrder });
    const watched = await runCli(["verify", "watch", base, "--state", state]);
    assert.equal(watched.code, 1, watched.stdout);
    assert.match(watched.stdout, /\[REMOVED\] The log shrank from \d+ to 3 leaves/);
  });
});

/** The operator throws its whole log away (to recompute or shorten it): every log table, not the events. */
async function eraseLog(db: Kysely<Database>): Promise<void> {
  for (const table of [
    "log_cosignatures",
    "log_checkpoints",
    "log_tiles",
    "log_leaves",
    "log_commitments",
    "log_state",
  ] as const) {
    await db.deleteFrom(table).execute();
  }
}

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { tokenFor } from "../../test/support/accounts.ts";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { bearer } from "../../test/support/workflow.ts";
import { loadPassiveDns } from "../checks/load-passive-dns.ts";
import { recordFindings } from "../checks/record-findings.ts";
import { buildApp } from "../http/build-app.ts";
import { addTargets } from "../intake/add-targets.ts";
import { findOrder } from "../intake/find-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { inTransaction } from "../store/in-transaction.ts";

const digest = "a".repeat(64);

describeEachEngine("approving an address needs its exclusive use shown", (store) => {
  let app: FastifyInstance;
  let authority: string;
  let otherAuthority: string;
  let dir: string;

  before(async () => {
    app = await buildApp({ store: store(), now: () => duringOrder });
    authority = (await tokenFor(store(), "authority")).token;
    otherAuthority = (await tokenFor(store(), "authority")).token;
    dir = await mkdtemp(join(tmpdir(), "decree-exclusive-use-"));
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Targets of a new ip-block order, checked as a submission checks them. */
  async function submit(inputs: string[]) {
    const { order } = await recordOrder(store(), sampleOrder({ measures: ["dns-block", "ip-block"] }), {
      actor: "test",
      now: duringOrder,
    });
    const added = await inTransaction(store().db, async (trx) => {
      const found = await findOrder(trx, order.id);
      const result = await addTargets(
        trx,
        found,
        inputs.map((input, index) => ({ input, line: index + 1 })),
        { actor: "test", now: duringOrder },
      );
      await recordFindings(trx, found, result.added, { now: duringOrder });
      return result.added;
    });
    return { orderId: order.id, ids: added.map((target) => target.id) };
  }

  function approve(id: number, token = authority) {
    return app.inject({
      method: "POST",
      url: `/targets/${id}/decision`,
      headers: bearer(token),
      payload: { decision: "approve", reason: "the order names it" },
    });
  }

  function state(id: number) {
    return store()
      .db.selectFrom("targets")
      .select("state")
      .where("id", "=", id)
      .executeTakeFirstOrThrow()
      .then((row) => row.state);
  }

  it("refuses an address nothing is known of, then approves it once a statement is recorded", async () => {
    const { orderId, ids } = await submit(["88.190.40.1"]);
    const [id] = ids as [number];
    const refused = await approve(id);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().code, "EXCLUSIVE_USE_NOT_SHOWN");
    assert.equal(await state(id), "proposed");

    const recorded = await app.inject({
      method: "POST",
      url: `/targets/${id}/exclusive-use`,
      headers: bearer(authority),
      payload: {
        statement: "Dedicated server leased by the site's operator (host's letter).",
        documentSha256: digest,
      },
    });
    assert.equal(recorded.statusCode, 201, recorded.body);
    assert.equal(recorded.json().address, "88.190.40.1");
    const approved = await approve(id);
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(await state(id), "active");

    const shown = await app.inject({ method: "GET", url: `/orders/${orderId}/exclusive-use` });
    assert.equal(shown.statusCode, 200);
    assert.equal(shown.json().statements[0].documentSha256, digest);
    assert.equal(shown.json().statements[0].recordedBy, undefined, "who recorded it stays out");
    const logged = await store()
      .db.selectFrom("events")
      .select(["reason", "data"])
      .where("action", "=", "target.exclusive-use-recorded")
      .where("subject_id", "=", id)
      .executeTakeFirstOrThrow();
    assert.match(logged.data, new RegExp(digest));
  });

  it("approves an address that passive DNS shows serving one site, without a statement", async () => {
    const file = join(dir, "one.csv");
    await writeFile(file, "name,address\nwww.seul-site-films.fr,88.190.40.2\n");
    await loadPassiveDns(store().db, file, { actor: "test", now: duringOrder });
    const { ids } = await submit(["88.190.40.2"]);
    const approved = await approve(ids[0]!);
    assert.equal(approved.statusCode, 200, approved.body);
  });

  it("holds a co-hosted address for a statement and a second person", async () => {
    const file = join(dir, "many.csv");
    await writeFile(file, "films-un-test.fr,88.190.40.3\nboulangerie-test.fr,88.190.40.3\n");
    await loadPassiveDns(store().db, file, { actor: "test", now: duringOrder });
    const { ids } = await submit(["88.190.40.3"]);
    const [id] = ids as [number];
    assert.equal((await approve(id)).json().code, "EXCLUSIVE_USE_NOT_SHOWN");
    await app.inject({
      method: "POST",
      url: `/targets/${id}/exclusive-use`,
      headers: bearer(authority),
      payload: {
        statement: "The bakery's name is stale passive DNS: the host's letter says so.",
        documentSha256: digest,
      },
    });
    const first = await approve(id);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(await state(id), "proposed", "a review finding still needs a second person");
    assert.equal((await approve(id, otherAuthority)).statusCode, 200);
    assert.equal(await state(id), "active");
  });

  it("refuses a statement without a digest, or about a name, and stores nothing", async () => {
    const { ids } = await submit(["88.190.40.4", "films-nom-test.fr"]);
    const [address, name] = ids as [number, number];
    for (const [id, documentSha256] of [
      [address, "not-a-digest"],
      [name, digest],
    ] as const) {
      const refused = await app.inject({
        method: "POST",
        url: `/targets/${id}/exclusive-use`,
        headers: bearer(authority),
        payload: { statement: "Ours alone.", documentSha256 },
      });
      assert.equal(refused.statusCode, 422, refused.body);
      assert.equal(refused.json().code, "EXCLUSIVE_USE_INVALID");
    }
    const rows = await store()
      .db.selectFrom("exclusive_use_statements")
      .select("id")
      .where("address", "in", ["88.190.40.4", "films-nom-test.fr"])
      .execute();
    assert.deepEqual(rows, []);
  });
});

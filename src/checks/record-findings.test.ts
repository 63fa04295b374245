import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { addTargets } from "../intake/add-targets.ts";
import { findOrder } from "../intake/find-order.ts";
import { parseOrderFile } from "../intake/parse-order-file.ts";
import { recordOrder } from "../intake/record-order.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { recordFindings } from "./record-findings.ts";

const actor = "test:applicant";

async function newOrder(store: Store, overrides: Record<string, unknown> = {}) {
  return (await recordOrder(store, sampleOrder(overrides), { actor, now: duringOrder })).order;
}

/** Proposes targets as the CLI and the API do, then reads back the findings stored for them. */
async function submit(store: Store, orderId: number, inputs: string[], kind?: string) {
  const added = await inTransaction(store.db, async (trx) => {
    const order = await findOrder(trx, orderId);
    const result = await addTargets(
      trx,
      order,
      inputs.map((input, index) => ({ input, kind, line: index + 1 })),
      { actor, now: duringOrder },
    );
    await recordFindings(trx, order, result.added, { now: duringOrder });
    return result.added;
  });
  const rows = await store.db
    .selectFrom("findings")
    .selectAll()
    .where(
      "target_id",
      "in",
      added.map((t) => t.id),
    )
    .orderBy("id")
    .execute();
  return added.map((target) => ({
    value: target.value,
    findings: rows
      .filter((row) => Number(row.target_id) === target.id)
      .map((row) => ({ ...row, evidence: JSON.parse(row.evidence) as Record<string, unknown> })),
  }));
}

function codes(findings: Array<{ severity: string; code: string }>, severity: string): string[] {
  return findings.filter((f) => f.severity === severity).map((f) => f.code);
}

describeEachEngine("the safeguards replaying Piracy Shield's incidents", (store) => {
  it("holds Cloudflare's 188.114.97.7 and Zenlayer's 104.166.170.62 as shared infrastructure", async () => {
    const order = await newOrder(store(), { measures: ["ip-block"] });
    const [cloudflare, zenlayer] = await submit(store(), order.id, ["188.114.97.7", "104.166.170.62"]);
    assert.deepEqual(codes(cloudflare!.findings, "block"), [
      "TARGET_SHARED_INFRASTRUCTURE",
      "TARGET_ASN_SHARED",
    ]);
    const shared = cloudflare!.findings.find((f) => f.code === "TARGET_SHARED_INFRASTRUCTURE");
    assert.equal(shared?.evidence.range, "188.114.96.0/20");
    assert.equal(shared.evidence.provider, "Cloudflare");
    assert.deepEqual(codes(zenlayer!.findings, "block"), [
      "TARGET_SHARED_INFRASTRUCTURE",
      "TARGET_ASN_SHARED",
    ]);
    assert.equal(zenlayer!.findings.find((f) => f.severity === "block")?.evidence.provider, "Zenlayer");
  });

  it("holds a prefix that contains a CDN's range, not only one inside it", async () => {
    const order = await newOrder(store(), { measures: ["ip-block"] });
    const [prefix] = await submit(store(), order.id, ["151.101.0.0/24", "2606:4700:10::6816:1"]);
    assert.deepEqual(codes(prefix!.findings, "block"), ["TARGET_SHARED_INFRASTRUCTURE", "TARGET_ASN_SHARED"]);
  });

  it("holds drive.usercontent.google.com and *.googlevideo.com as protected names", async () => {
    const order = await newOrder(store());
    const [drive, video] = await submit(store(), order.id, [
      "drive.usercontent.google.com",
      "*.googlevideo.com",
    ]);
    assert.deepEqual(codes(drive!.findings, "block"), ["TARGET_PROTECTED_NAME"]);
    const protectedFinding = drive!.findings.find((f) => f.code === "TARGET_PROTECTED_NAME");
    assert.equal(protectedFinding?.evidence.protectedName, "drive.usercontent.google.com");
    assert.ok(protectedFinding.evidence.source, "the list entry's source is evidence");
    assert.deepEqual(codes(video!.findings, "block"), ["TARGET_PROTECTED_NAME"]);
    assert.ok(codes(video!.findings, "info").includes("TARGET_WILDCARD_BREADTH"));
  });

  it("holds a domain target above a protected name, and a URL on one", async () => {
    const order = await newOrder(store());
    const [above, url] = await submit(
      store(),
      order.id,
      ["usercontent.google.com", "https://www.youtube.com/watch"],
      undefined,
    );
    assert.deepEqual(codes(above!.findings, "block"), ["TARGET_PROTECTED_NAME"]);
    assert.deepEqual(codes(url!.findings, "block"), ["TARGET_PROTECTED_NAME"]);
  });

  it("refuses a blogspot.com wildcard and a github.io domain target as public suffixes", async () => {
    const order = await newOrder(store());
    for (const input of ["*.blogspot.com", "github.io"]) {
      await assert.rejects(submit(store(), order.id, [input], "domain"), (error: unknown) => {
        assert.ok(error instanceof DecreeError);
        assert.equal(error.code, "TARGET_PUBLIC_SUFFIX");
        return true;
      });
    }
  });

  it("holds a wildcard on a hosting platform the Public Suffix List does not carry", async () => {
    const order = await newOrder(store());
    const [platform, site] = await submit(store(), order.id, [
      "*.wordpress.com",
      "*.films-pirates.wordpress.com",
    ]);
    assert.deepEqual(codes(platform!.findings, "block"), ["TARGET_HOSTING_PLATFORM"]);
    assert.deepEqual(codes(site!.findings, "block"), []);
    assert.ok(codes(site!.findings, "info").includes("TARGET_ON_SHARED_PLATFORM"));
  });

  it("lets the 16 Allostreaming domains through with no block or review finding", async () => {
    const input = await parseOrderFile("data/demo/allostreaming-2013.yaml");
    const { order } = await recordOrder(
      store(),
      { ...input, caseNumber: `${input.caseNumber} (checks)`, targets: [] },
      { actor, now: duringOrder, validityStartsAt: new Date("2026-01-01T00:00:00Z") },
    );
    const domains = (input.targets ?? []).map((t) => (typeof t === "string" ? t : t.value));
    assert.equal(domains.length, 16);
    const result = await submit(store(), order.id, domains);
    for (const { value, findings } of result) {
      assert.deepEqual([...codes(findings, "block"), ...codes(findings, "review")], [], value);
    }
  });

  it("says when the same target is already an entry of another order", async () => {
    const first = await newOrder(store());
    await submit(store(), first.id, ["films-en-double.fr"]);
    await store()
      .db.updateTable("targets")
      .set({ state: "active" })
      .where("value", "=", "films-en-double.fr")
      .execute();
    const second = await newOrder(store());
    const [again] = await submit(store(), second.id, ["films-en-double.fr"]);
    const duplicate = again!.findings.find((f) => f.code === "TARGET_ACTIVE_UNDER_OTHER_ORDER");
    assert.equal(duplicate?.severity, "info");
    assert.equal(duplicate.evidence.orderId, first.id);
  });
});

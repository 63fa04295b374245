import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { recordOrder } from "../intake/record-order.ts";
import type { Store } from "../store/database.ts";
import type { CheckedTarget } from "./check.ts";
import { runChecks } from "./index.ts";
import { updateCheckData } from "./update-check-data.ts";

const actor = "test:admin";
const folder = mkdtempSync(join(tmpdir(), "decree-check-data-"));

function file(name: string, content: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function target(kind: CheckedTarget["kind"], value: string): CheckedTarget {
  return { kind, value, origin: "order", validUntil: "2026-12-01T00:00:00.000Z" };
}

async function blockCodes(store: Store, targets: CheckedTarget[], settings = {}) {
  const { order } = await recordOrder(store, sampleOrder({ measures: ["dns-block", "ip-block"] }), {
    actor,
    now: duringOrder,
  });
  const findings = await runChecks(targets, { order, db: store.db, now: duringOrder }, { settings });
  return findings.map((found) => found.filter((f) => f.severity === "block").map((f) => f.code));
}

describeEachEngine("loading a newer copy of the checks' data", (store) => {
  it("uses the newest loaded ranges instead of the shipped file, with their date and source", async () => {
    // The shipped ranges leave Imperva out; its autonomous system is classed a CDN all the same.
    assert.deepEqual(await blockCodes(store(), [target("ip", "45.60.1.1")]), [["TARGET_ASN_SHARED"]]);
    const loaded = await updateCheckData(
      store().db,
      file("ranges.json", {
        date: "2026-11-20",
        source: "test copy",
        sets: [
          {
            provider: "Imperva",
            source: "https://www.imperva.com/",
            date: "2026-11-20",
            ranges: ["45.60.0.0/16"],
          },
        ],
      }),
      { actor, now: duringOrder },
    );
    assert.equal(loaded.kind, "shared-infrastructure");
    assert.equal(loaded.entries, 1);
    const [imperva] = await runChecks([target("ip", "45.60.1.1")], {
      order: (
        await recordOrder(store(), sampleOrder({ measures: ["ip-block"] }), { actor, now: duringOrder })
      ).order,
      db: store().db,
      now: duringOrder,
    });
    const finding = imperva!.find((f) => f.code === "TARGET_SHARED_INFRASTRUCTURE");
    assert.ok(finding);
    assert.deepEqual(finding.evidence.list, { origin: "loaded", date: "2026-11-20", source: "test copy" });
  });

  it("refuses a file that is neither kind of data, and stores nothing", async () => {
    for (const content of ["not json", { names: [{ name: "x" }] }, { something: 1 }]) {
      await assert.rejects(
        updateCheckData(store().db, file("bad.json", content), { actor, now: duringOrder }),
        (error: unknown) => error instanceof DecreeError && error.code === "CHECKS_DATA_INVALID",
      );
    }
    await assert.rejects(
      updateCheckData(store().db, join(folder, "missing.json"), { actor, now: duringOrder }),
      (error: unknown) => error instanceof DecreeError && error.code === "CHECKS_DATA_UNREADABLE",
    );
  });

  it("extends the protected names with the configured file", async () => {
    const extra = file("protected.json", {
      date: "2026-11-01",
      source: "the regulator's own list",
      names: [{ name: "hopital-exemple.fr", category: "health", source: "ARS" }],
    });
    const [before] = await blockCodes(store(), [target("fqdn", "www.hopital-exemple.fr")]);
    assert.deepEqual(before, []);
    const [after] = await blockCodes(store(), [target("fqdn", "www.hopital-exemple.fr")], {
      protectedNamesFile: extra,
    });
    assert.deepEqual(after, ["TARGET_PROTECTED_NAME"]);
  });

  it("holds a target listed as an exemption", async () => {
    const exemptions = file("exemptions.json", {
      exemptions: [
        { value: "tribunal-exemple.fr", reason: "the court's own site" },
        { value: "203.0.113.0/24", reason: "test prefix" },
      ],
    });
    const found = await blockCodes(
      store(),
      [
        target("domain", "tribunal-exemple.fr"),
        target("fqdn", "www.tribunal-exemple.fr"),
        target("ip", "203.0.113.9"),
      ],
      { exemptionsFile: exemptions },
    );
    assert.deepEqual(found, [["TARGET_EXEMPTED"], ["TARGET_EXEMPTED"], ["TARGET_EXEMPTED"]]);
  });

  it("loads a newer IP-to-ASN release from a folder, which the next check uses, and refuses a broken one", async () => {
    const release = join(folder, `asn-release-${Math.random().toString(36).slice(2)}`);
    mkdirSync(release);
    writeFileSync(join(release, "package.json"), JSON.stringify({ version: "2.3.2026113012" }));
    // 1.0.0.0-1.0.0.255 (Cloudflare in the shipped tables) moved to a test network, as a newer release may say.
    writeFileSync(join(release, "asn-ipv4-num.csv"), "16777216,16777471,64500,Test Network\n");
    writeFileSync(join(release, "asn-ipv6-num.csv"), "");
    const loaded = await updateCheckData(store().db, release, { actor, now: duringOrder });
    assert.equal(loaded.kind, "ip-to-asn");
    assert.equal(loaded.date, "2026-11-30");
    assert.equal(loaded.entries, 1);
    const { order } = await recordOrder(store(), sampleOrder({ measures: ["ip-block"] }), {
      actor,
      now: duringOrder,
    });
    const [found] = await runChecks([target("ip", "1.0.0.9")], { order, db: store().db, now: duringOrder });
    const operator = found!.find((f) => f.check === "address-operator");
    assert.equal(operator?.evidence.asn, 64500);
    assert.equal((operator.evidence.dataset as { date: string }).date, "2026-11-30");

    const broken = join(folder, "asn-broken");
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, "asn-ipv4-num.csv"), "16777216,16777471,64500,Test Network\n");
    const rows = await store().db.selectFrom("checks_data").select("id").execute();
    await assert.rejects(
      updateCheckData(store().db, broken, { actor, now: duringOrder }),
      (error: unknown) => error instanceof DecreeError && error.code === "ASN_DATA_INVALID",
    );
    assert.equal((await store().db.selectFrom("checks_data").select("id").execute()).length, rows.length);
  });
});

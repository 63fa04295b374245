import assert from "node:assert/strict";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { gzipSync } from "node:zlib";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { addTargets } from "../intake/add-targets.ts";
import { findOrder } from "../intake/find-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { coHostedDomains } from "./co-hosted-domains.ts";
import { loadPassiveDns } from "./load-passive-dns.ts";
import { recordFindings } from "./record-findings.ts";

const actor = "test:applicant";

async function submit(store: Store, inputs: string[]) {
  const recorded = await recordOrder(store, sampleOrder({ measures: ["dns-block", "ip-block"] }), {
    actor,
    now: duringOrder,
  });
  const added = await inTransaction(store.db, async (trx) => {
    const order = await findOrder(trx, recorded.order.id);
    const result = await addTargets(
      trx,
      order,
      inputs.map((input, index) => ({ input, line: index + 1 })),
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
  return added.map((target) =>
    rows
      .filter((row) => Number(row.target_id) === target.id)
      .map((row) => ({
        severity: row.severity,
        code: row.code,
        evidence: JSON.parse(row.evidence) as Record<string, unknown>,
      })),
  );
}

function finding(findings: Awaited<ReturnType<typeof submit>>[number], code: string) {
  const found = findings.find((f) => f.code === code);
  assert.ok(found, `no ${code} in ${findings.map((f) => f.code).join(", ")}`);
  return found;
}

/**
 * A passive-DNS file as Rapid7 FDNS writes it: `sites` sites share 88.190.10.50 (a shared host), three share
 * 88.190.10.60, one alone is on 88.190.10.70, and `filler` other observations spread over other addresses.
 */
async function fdnsFile(path: string, sites: number, filler: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (line: string) =>
    out.write(`${line}\n`) ? Promise.resolve() : new Promise<void>((done) => out.once("drain", () => done()));
  for (let i = 0; i < sites; i++) {
    await write(
      JSON.stringify({
        timestamp: "1700000000",
        name: `www.site-${i}.org`,
        type: "a",
        value: "88.190.10.50",
      }),
    );
    await write(
      JSON.stringify({ timestamp: "1700000000", name: `site-${i}.org`, type: "a", value: "88.190.10.50" }),
    );
  }
  for (const name of ["a.exemple-un.net", "b.exemple-un.net", "www.exemple-deux.com"]) {
    await write(JSON.stringify({ name, type: "a", value: "88.190.10.60" }));
  }
  await write(JSON.stringify({ name: "seul-exemple.fr", type: "a", value: "88.190.10.70" }));
  await write(JSON.stringify({ name: "www.seul-exemple.fr", type: "cname", value: "seul-exemple.fr" }));
  await write(JSON.stringify({ name: "v6-exemple.org", type: "aaaa", value: "2A01:E0A::50" }));
  for (let i = 0; i < filler; i++) {
    const address = `90.51.${(i >> 8) & 255}.${i & 255}`;
    await write(JSON.stringify({ name: `host${i}.filler-${i % 5000}.org`, type: "a", value: address }));
  }
  await new Promise<void>((done) => out.end(() => done()));
}

describeEachEngine("the evidence of what an address serves", (store) => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-ip-evidence-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("holds a CDN's address as block and a hosting company's as review, naming the AS and the dataset", async () => {
    const [cdn, hosting, access] = await submit(store(), ["104.16.0.1", "5.9.1.1", "88.190.10.1"]);
    const shared = finding(cdn!, "TARGET_ASN_SHARED");
    assert.equal(shared.severity, "block");
    assert.equal(shared.evidence.asn, 13335);
    assert.equal(shared.evidence.class, "cdn");
    const dataset = shared.evidence.dataset as { date: string; licence: string; source: string };
    assert.match(dataset.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(dataset.licence, /CC-BY-4.0/);
    assert.match(dataset.source, /ip-location-db/);
    const hosted = finding(hosting!, "TARGET_ASN_HOSTING");
    assert.equal(hosted.severity, "review");
    assert.equal(hosted.evidence.asn, 24940);
    assert.equal(finding(access!, "TARGET_ASN").evidence.class, "access");
  });

  it("holds public resolvers' addresses and names, v4, v6 and prefixes", async () => {
    const results = await submit(store(), [
      "9.9.9.9",
      "1.1.1.1",
      "2606:4700:4700::1111",
      "8.8.8.0/24",
      "dns.google",
      "one.one.one.one",
    ]);
    for (const findings of results)
      assert.equal(finding(findings, "TARGET_PUBLIC_RESOLVER").severity, "block");
    assert.equal(finding(results[0]!, "TARGET_PUBLIC_RESOLVER").evidence.operator, "Quad9");
  });

  it("says nothing is known of an address's sites before any passive DNS is loaded", async () => {
    const [alone] = await submit(store(), ["88.190.10.70"]);
    assert.equal(finding(alone!, "TARGET_CO_HOSTING_UNKNOWN").severity, "info");
  });

  it("refuses a passive-DNS file of the wrong format with its code and stores nothing", async () => {
    const before = await counts(store());
    const wrong = join(dir, "wrong.json");
    await writeFile(wrong, '{"name":"a.example.org","type":"a","value":"192.0.2.1"}\n{"hostname":"x"}\n');
    await assert.rejects(loadPassiveDns(store().db, wrong, { actor, now: duringOrder }), (error: unknown) => {
      assert.ok(error instanceof DecreeError);
      assert.equal(error.code, "PASSIVE_DNS_FORMAT_INVALID");
      assert.match(error.message, /line 2/);
      return true;
    });
    const csv = join(dir, "wrong.csv");
    await writeFile(csv, "a.example.org,192.0.2.1\nb.example.org,not-an-address\n");
    await assert.rejects(
      loadPassiveDns(store().db, csv, { actor, now: duringOrder }),
      /PASSIVE_DNS_FORMAT_INVALID|not an IP/,
    );
    const gz = join(dir, "broken.gz");
    await writeFile(gz, gzipSync("a.example.org,192.0.2.1\n").subarray(0, 12));
    await assert.rejects(loadPassiveDns(store().db, gz, { actor, now: duringOrder }), (error: unknown) => {
      assert.equal((error as DecreeError).code, "PASSIVE_DNS_FORMAT_INVALID");
      return true;
    });
    assert.deepEqual(await counts(store()), before);
  });

  it("loads a large FDNS file streamed, and holds an address shared by many sites with the count", async () => {
    const path = join(dir, "fdns.json");
    const filler = 200_000;
    await fdnsFile(path, 60, filler);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const loaded = await loadPassiveDns(store().db, path, { actor, now: duringOrder, source: "test FDNS" });
    clearInterval(sampler);
    assert.equal(loaded.format, "fdns-json");
    assert.equal(loaded.observations, 120 + 3 + 1 + 1 + filler);
    assert.equal(loaded.skipped, 1, "the CNAME line");
    assert.equal(loaded.pairs, 60 + 2 + 1 + 1 + filler, "a. and b.exemple-un.net are one site");
    // Streamed in batches: the file's 200,000 lines never sit in memory at once.
    assert.ok(peak - rssBefore < 150e6, `RSS grew by ${Math.round((peak - rssBefore) / 1e6)} MB`);

    const [many, few, alone, v6] = await submit(store(), [
      "88.190.10.50",
      "88.190.10.60",
      "88.190.10.70",
      "2a01:e0a::50",
    ]);
    const blocked = finding(many!, "TARGET_CO_HOSTED");
    assert.equal(blocked.severity, "block");
    assert.equal(blocked.evidence.sites, 60);
    assert.equal((blocked.evidence.sample as unknown[]).length, 10);
    const sources = blocked.evidence.passiveDns as Array<{ source: string; sha256: string }>;
    assert.equal(sources[0]?.source, "test FDNS");
    assert.match(sources[0]!.sha256, /^[0-9a-f]{64}$/);
    const reviewed = finding(few!, "TARGET_CO_HOSTED");
    assert.equal(reviewed.severity, "review");
    assert.equal(reviewed.evidence.sites, 2);
    assert.deepEqual(
      (reviewed.evidence.sample as Array<{ site: string }>).map((s) => s.site),
      ["exemple-deux.com", "exemple-un.net"],
      "a.exemple-un.net and b.exemple-un.net are one registrable domain",
    );
    assert.equal(finding(alone!, "TARGET_CO_HOSTING_CLEAN").evidence.sites, 1);
    assert.equal(finding(v6!, "TARGET_CO_HOSTING_CLEAN").evidence.sites, 1);
  });

  it("loads CSV name,address with a header, and counts a prefix's sites once each", async () => {
    const path = join(dir, "pdns.csv");
    await writeFile(
      path,
      "name,address\nwww.un-site.fr,88.190.20.10\ndeux-site.fr,88.190.20.11\nun-site.fr,88.190.20.11\n",
    );
    const loaded = await loadPassiveDns(store().db, path, { actor, now: duringOrder });
    assert.equal(loaded.format, "csv");
    assert.equal(loaded.observations, 3);
    const prefix = await coHostedDomains(store().db, "88.190.20.0/28");
    assert.equal(prefix.sites, 2);
    assert.deepEqual(
      prefix.sample.map((s) => s.site),
      ["deux-site.fr", "un-site.fr"],
    );
    const one = await coHostedDomains(store().db, "88.190.20.11");
    assert.equal(one.sites, 2);
  });

  it("counts the order's own sites on an address as one", async () => {
    const path = join(dir, "own.csv");
    await writeFile(
      path,
      "films-pirates-test.fr,88.190.20.200\nfilms-pirates-miroir-test.fr,88.190.20.200\n",
    );
    await loadPassiveDns(store().db, path, { actor, now: duringOrder });
    const [, , address] = await submit(store(), [
      "films-pirates-test.fr",
      "films-pirates-miroir-test.fr",
      "88.190.20.200",
    ]);
    const clean = finding(address!, "TARGET_CO_HOSTING_CLEAN");
    assert.equal(clean.evidence.sites, 1);
    assert.deepEqual(clean.evidence.orderSites, ["films-pirates-miroir-test.fr", "films-pirates-test.fr"]);
  });
});

async function counts(store: Store) {
  const loads = await store.db
    .selectFrom("passive_dns_loads")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  const rows = await store.db
    .selectFrom("passive_dns")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return { loads: Number(loads.n), rows: Number(rows.n) };
}

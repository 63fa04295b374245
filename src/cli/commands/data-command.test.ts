import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../../../test/support/run-cli.ts";

const order = {
  kind: "court-decision",
  authority: "Tribunal judiciaire de Paris",
  jurisdiction: "fr",
  caseNumber: "RG 26/90001",
  decisionDate: "2025-12-20",
  applicants: ["APC"],
  addressees: [{ name: "Orange", role: "operator" }],
  measures: ["dns-block", "ip-block"],
  deadline: "15 days",
  validity: { from: "2026-01-01", duration: "P20Y" },
};

describe("decree data update and the findings of decree targets add", () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(["--data", dir, "--json", ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-data-"));
    await writeFile(join(dir, "order.json"), JSON.stringify(order));
    const recorded = await cli("orders", "add", join(dir, "order.json"));
    assert.equal(recorded.code, 0, recorded.stderr);
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it("reports the findings of proposed targets, Cloudflare's address held", async () => {
    const added = await cli("targets", "add", "1", "188.114.97.7", "films-pirates-cli.fr");
    assert.equal(added.code, 0, added.stderr);
    const shown = JSON.parse(added.stdout);
    // Inside Cloudflare's published ranges, and announced by its autonomous system, a CDN.
    assert.equal(shown.findings.counts.block, 2);
    assert.deepEqual(shown.findings.held[0].codes.sort(), [
      "TARGET_ASN_SHARED",
      "TARGET_SHARED_INFRASTRUCTURE",
    ]);
  });

  it("loads a newer copy of the ranges, which the next submission uses", async () => {
    const file = join(dir, "ranges.json");
    await writeFile(
      file,
      JSON.stringify({
        date: "2026-11-27",
        source: "operator's copy",
        sets: [
          {
            provider: "Imperva",
            source: "https://www.imperva.com/",
            date: "2026-11-27",
            ranges: ["45.60.0.0/16"],
          },
        ],
      }),
    );
    const loaded = await cli("data", "update", file);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(JSON.parse(loaded.stdout).kind, "shared-infrastructure");
    const added = await cli("targets", "add", "1", "45.60.3.4");
    assert.ok(JSON.parse(added.stdout).findings.held[0].codes.includes("TARGET_SHARED_INFRASTRUCTURE"));
    const listed = JSON.parse((await cli("data", "list")).stdout);
    assert.equal(listed.copies[0].date, "2026-11-27");
  });

  it("loads passive DNS from the command line, and the next address target shows its sites", async () => {
    const file = join(dir, "fdns.json");
    const lines = ["films-cli-un.fr", "films-cli-deux.fr", "films-cli-trois.fr"].map((name) =>
      JSON.stringify({ name, type: "a", value: "88.190.30.1" }),
    );
    await writeFile(file, `${lines.join("\n")}\n`);
    const loaded = await cli("data", "load-passive-dns", file, "--source", "FDNS test");
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(JSON.parse(loaded.stdout).observations, 3);
    const added = await cli("targets", "add", "1", "88.190.30.1");
    const held = JSON.parse(added.stdout).findings.held[0];
    assert.deepEqual(held.codes, ["TARGET_CO_HOSTED"]);
    const listed = JSON.parse((await cli("data", "passive-dns")).stdout);
    assert.equal(listed.loads[0].source, "FDNS test");
    const targetId = String(JSON.parse(added.stdout).findings.held[0].targetId);
    const refused = await cli("targets", "approve", targetId, "--reason", "the order names it");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr + refused.stdout, /EXCLUSIVE_USE_NOT_SHOWN/);
    const document = join(dir, "letter.txt");
    await writeFile(document, "The host's letter: this server is leased to one customer.\n");
    const stated = await cli(
      "targets",
      "exclusive-use",
      targetId,
      "--statement",
      "Leased to the site's operator alone; the other names are stale.",
      "--document",
      document,
    );
    assert.equal(stated.code, 0, stated.stderr);
    assert.match(JSON.parse(stated.stdout).documentSha256, /^[0-9a-f]{64}$/);
    const pending = await cli("targets", "approve", targetId, "--reason", "the order names it");
    assert.equal(pending.code, 0, pending.stderr);
    assert.ok(JSON.parse(pending.stdout).targets[0].pending, "a review finding still needs a second person");
    await writeFile(join(dir, "bad.csv"), "just one cell\n");
    const wrong = await cli("data", "load-passive-dns", join(dir, "bad.csv"));
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr + wrong.stdout, /PASSIVE_DNS_FORMAT_INVALID/);
  });

  it("tells who operates an address and how many sites it serves", async () => {
    const shown = await cli("data", "address", "104.16.0.1");
    assert.equal(shown.code, 0, shown.stderr);
    const parsed = JSON.parse(shown.stdout);
    assert.equal(parsed.networks[0].asn, 13335);
    assert.equal(parsed.networks[0].class, "cdn");
    assert.match(parsed.dataset.licence, /CC-BY-4.0/);
    const sites = JSON.parse((await cli("data", "address", "88.190.30.1")).stdout);
    assert.equal(sites.sites, 3);
    const refused = await cli("data", "address", "not-an-address");
    assert.equal(refused.code, 1);
  });

  it("refuses a file that is not the checks' data, with its code", async () => {
    await writeFile(join(dir, "bad.json"), "{}");
    const refused = await cli("data", "update", join(dir, "bad.json"));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr + refused.stdout, /CHECKS_DATA_INVALID/);
  });
});

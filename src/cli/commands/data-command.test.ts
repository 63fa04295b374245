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
    assert.equal(shown.findings.counts.block, 1);
    assert.deepEqual(shown.findings.held[0].codes, ["TARGET_SHARED_INFRASTRUCTURE"]);
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
    assert.deepEqual(JSON.parse(added.stdout).findings.held[0].codes, ["TARGET_SHARED_INFRASTRUCTURE"]);
    const listed = JSON.parse((await cli("data", "list")).stdout);
    assert.equal(listed.copies[0].date, "2026-11-27");
  });

  it("refuses a file that is not the checks' data, with its code", async () => {
    await writeFile(join(dir, "bad.json"), "{}");
    const refused = await cli("data", "update", join(dir, "bad.json"));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr + refused.stdout, /CHECKS_DATA_INVALID/);
  });
});

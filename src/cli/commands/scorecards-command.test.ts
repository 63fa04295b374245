import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../../../test/support/run-cli.ts";
import { scorecardFixture } from "../../../test/support/scorecard-fixture.ts";
import { openStore } from "../../store/open-store.ts";

describe("decree scorecards", () => {
  let dir: string;
  const cli = (...args: string[]) => runCli(["--data", dir, ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-scorecards-"));
    const store = await openStore({ dataDir: dir });
    try {
      await scorecardFixture(store);
    } finally {
      await store.close();
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("prints each operator's scorecard, 'not measured' where nothing was measured", async () => {
    const result = await cli("scorecards", "operators");
    assert.equal(result.code, 0, result.stderr);
    const [header, measured, unmeasured] = result.stdout.trimEnd().split("\n");
    assert.match(header!, /^operator\s+probes\s+enforced\s+enforce p50/);
    assert.match(
      measured!,
      /^Measured\s+5\s+100%\s+1s\s+3s\s+not measured\s+not measured\s+1\s+not measured\s+0\s+25%$/,
    );
    assert.match(unmeasured!, /^Unmeasured\s+0\s+not measured\s+not measured/);
    assert.doesNotMatch(unmeasured!, /\b0%/);
  });

  it("prints the same CSV as the HTTP API, and JSON with --json", async () => {
    const csv = await cli("scorecards", "operators", "Measured", "--csv");
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.split("\r\n");
    assert.match(lines[0]!, /^operator,kind,resolvers,probes,share_enforced,/);
    assert.match(lines[1]!, /^Measured,isp,1,5,1,1000,3000,,,1,control-news.org,,0,0.25,1,1,/);
    const json = await cli("--json", "scorecards", "orders", "1");
    assert.equal(json.code, 0, json.stderr);
    const order = JSON.parse(json.stdout);
    assert.equal(order.orderId, 1);
    assert.deepEqual(
      order.operators.map((card: { operator: string; shareEnforced: number | null }) => [
        card.operator,
        card.shareEnforced,
      ]),
      [
        ["Measured", 1],
        ["Unmeasured", null],
      ],
    );
  });

  it("refuses an order that has no scorecard with its code", async () => {
    const result = await cli("scorecards", "orders", "42");
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /ORDER_NOT_FOUND/);
  });
});

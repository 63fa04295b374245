import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../../../test/support/run-cli.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { openStore } from "../../store/open-store.ts";

describe("decree targets list past the store's page", () => {
  let dir: string;
  const total = 10_005;
  const cli = (...args: string[]) => runCli(["--data", dir, "--json", "targets", "list", ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-list-"));
    const store = await openStore({ dataDir: dir });
    try {
      const targets = Array.from({ length: total }, (_, i) => `site-${i}.example-films.com`);
      await recordOrder(store, sampleOrder({ targets }), { actor: "test", now: duringOrder });
    } finally {
      await store.close();
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("lists every target a --limit past 10,000 asks for, and says when more match", async () => {
    const all = await cli("--limit", "20000");
    assert.equal(all.code, 0, all.stderr);
    const listed = JSON.parse(all.stdout);
    assert.equal(listed.targets.length, total);
    assert.equal(listed.truncated, false);
    assert.equal(listed.next, null);
    const cut = JSON.parse((await cli("--limit", "10001")).stdout);
    assert.equal(cut.targets.length, 10_001);
    assert.equal(cut.truncated, true);
    assert.equal(cut.next.after, cut.targets.at(-1).id);
    const rest = JSON.parse((await cli("--after", String(cut.next.after), "--limit", "100")).stdout);
    assert.equal(rest.targets.length, total - 10_001);
  });

  it("refuses a --limit that is not a plain decimal number, with exit code 2", async () => {
    for (const limit of ["0x10", "1e3", "", "-5", "0"]) {
      const refused = await cli("--limit", limit);
      assert.equal(refused.code, 2, limit);
      assert.match(refused.stderr, /NUMBER_INVALID/, limit);
    }
  });
});

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tokenFor } from "../../../test/support/accounts.ts";
import { runCli } from "../../../test/support/run-cli.ts";
import { duringOrder, sampleOrder } from "../../../test/support/sample-order.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { openStore } from "../../store/open-store.ts";

describe("decree orders confirm", () => {
  let dir: string;
  let orderId: number;
  const cli = (...args: string[]) => runCli(["--data", dir, ...args]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-confirm-"));
    const store = await openStore({ dataDir: dir });
    try {
      const { principal } = await tokenFor(store, "applicant", "APC");
      const { order } = await recordOrder(store, sampleOrder(), {
        actor: "user:1",
        now: duringOrder,
        ownerOrganisationId: principal.organisationId,
      });
      orderId = order.id;
    } finally {
      await store.close();
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("confirms an applicant's order once, naming who did it, and says so in orders show", async () => {
    const waiting = await cli("orders", "show", String(orderId));
    assert.match(waiting.stdout, /confirmed:\s+not yet/);
    const confirmed = await cli("--json", "orders", "confirm", String(orderId), "--reason", "checked");
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(JSON.parse(confirmed.stdout).confirmedBy, /^user:\d+$/);
    const again = await cli("orders", "confirm", String(orderId));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /ORDER_ALREADY_CONFIRMED/);
  });
});

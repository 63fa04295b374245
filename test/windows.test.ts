import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { recordOrder } from "../src/intake/record-order.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { queryDns } from "./support/dns-client.ts";
import { sampleOrder } from "./support/sample-order.ts";
import {
  addressName,
  answerAt,
  blockedAddress,
  isNxdomain,
  resolves,
  startWindowedUnbound,
  type WindowedUnbound,
} from "./support/windowed-unbound.ts";

// A real decree and a real Unbound (RPZ secondary over NOTIFY and IXFR, loopback only): an order under one
// blocking window blocks a name and an address (an rpz-ip trigger) only while the window is open, and both
// resolve again when it ends, with no one acting.

const actor = "test:windows";
const day = 86_400_000;

describe("blocking windows at a real Unbound", { timeout: 60_000 }, () => {
  let setup: WindowedUnbound;

  before(async () => {
    setup = await startWindowedUnbound();
  });

  after(async () => {
    await setup?.close();
  });

  it("blocks a name and an address when the window opens and resolves them when it closes", async (t) => {
    const { service, unbound } = setup;
    const name = "live.laliga-pirata.tv";
    const now = Date.now();
    const opens = new Date(Math.ceil((now + 3000) / 1000) * 1000);
    const closes = new Date(opens.getTime() + 3000);
    const { targets } = await recordOrder(
      service.store,
      sampleOrder({
        measures: ["dns-block", "ip-block"],
        validity: { from: new Date(now - day).toISOString(), until: new Date(now + 30 * day).toISOString() },
        targets: [name, blockedAddress],
        windows: [
          { from: opens.toISOString(), until: closes.toISOString(), label: "Real Madrid – Barcelona" },
        ],
      }),
      { actor, now: new Date() },
    );
    const refs = targets!.added.map((target) => String(target.id));
    await decideTargets(service.store, {
      decision: "approve",
      refs,
      reason: "ordered",
      actor,
      now: new Date(),
    });
    service.publication.scheduler.poke();

    // Approved and active, but before its window: both resolve.
    for (const queried of [name, addressName]) {
      const answer = await queryDns(unbound, queried);
      assert.ok(
        resolves(queried)(answer),
        `${queried} before the window: ${answer.rcode} ${answer.addresses}`,
      );
    }
    assert.ok(Date.now() < opens.getTime(), "the setup took longer than the wait before the window");

    const blockedName = await answerAt(unbound, name, isNxdomain);
    const blockedIp = await answerAt(unbound, addressName, isNxdomain);
    assert.ok(blockedName >= opens.getTime() && blockedIp >= opens.getTime(), "blocked only once it opened");
    t.diagnostic(
      `blocked ${blockedName - opens.getTime()} ms (name) and ${blockedIp - opens.getTime()} ms (rpz-ip) after the window opened`,
    );
    const zone = await service.store.db.selectFrom("zone_records").select("owner").execute();
    assert.ok(
      zone.some((row) => row.owner === "32.77.87.100.185.rpz-ip"),
      "the address is an rpz-ip trigger",
    );

    const [freedName, freedIp] = await Promise.all([
      answerAt(unbound, name, resolves(name)),
      answerAt(unbound, addressName, resolves(addressName)),
    ]);
    assert.ok(freedName >= closes.getTime() && freedIp >= closes.getTime(), "blocked until the window's end");
    const lag = Math.max(freedName, freedIp) - closes.getTime();
    t.diagnostic(
      `resolving again ${freedName - closes.getTime()} ms (name), ${freedIp - closes.getTime()} ms (address) after the window's end`,
    );
    assert.ok(lag < 3000, `resolving ${lag} ms after the window's end`);

    const events = await service.store.db
      .selectFrom("events")
      .select(["action", "actor"])
      .where("action", "in", ["order.window-opened", "order.window-closed"])
      .orderBy("id")
      .execute();
    assert.deepEqual(
      events.map((e) => `${e.action} by ${e.actor}`),
      ["order.window-opened by system:clock", "order.window-closed by system:clock"],
    );
  });
});

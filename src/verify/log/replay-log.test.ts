import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LogReplay } from "./replay-log.ts";

/** Leaves as the log writes them (registry/log/event-leaf.ts), reduced to what the replay reads. */
const orderLeaf = (action: string, to: string | null, data: Record<string, unknown> = {}) => ({
  action,
  data,
  subject: { id: 7, type: "order" },
  order: { measures: ["dns-block", "ip-block"] },
  to,
});
const targetLeaf = (id: number, kind: string, value: string, to: string) => ({
  action: "target.approved",
  subject: { id, type: "target" },
  target: { kind, orderId: 7, value },
  to,
});

describe("replaying the log under blocking windows", () => {
  it("puts an order's entries in the feed only while one of its windows is open, as the registry does", () => {
    const replay = new LogReplay();
    let index = 0;
    const visit = (leaf: Record<string, unknown>) => replay.visit(leaf, index++);
    visit(orderLeaf("order.recorded", null));
    visit(targetLeaf(1, "fqdn", "live.laliga-pirata.tv", "active"));
    visit(targetLeaf(2, "ip", "185.100.87.77", "active"));
    assert.deepEqual([...replay.feedEntries().keys()].sort(), ["185.100.87.77", "live.laliga-pirata.tv"]);
    visit(orderLeaf("order.window-added", "scheduled", { windowId: 3, targetId: null }));
    assert.deepEqual([...replay.feedEntries().keys()], [], "under a window yet to come");
    visit(orderLeaf("order.window-opened", "open", { windowId: 3, targetId: null }));
    assert.equal(replay.feedEntries().size, 2);
    visit(orderLeaf("order.window-closed", "closed", { windowId: 3, targetId: null }));
    assert.equal(replay.feedEntries().size, 0);
    visit(orderLeaf("order.window-withdrawn", "withdrawn", { windowId: 3, targetId: null }));
    assert.equal(replay.feedEntries().size, 2, "no window left: served at all times");
  });
});

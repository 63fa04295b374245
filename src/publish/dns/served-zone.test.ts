import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ZoneRecord } from "../rpz-records.ts";
import { ServedZone } from "./served-zone.ts";

const cname = (owner: string, rdata = "."): ZoneRecord => ({ owner, rtype: "CNAME", rdata });
const names = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => cname(`${prefix}-${String(i).padStart(6, "0")}.example-site.com`));

describe("the zone as served from memory", () => {
  it("applies each release's additions and deletions and finds the records at an owner", () => {
    const zone = ServedZone.empty();
    zone.apply([
      {
        releaseId: 1,
        serial: 10,
        removed: [],
        added: [
          cname("a.com"),
          cname("*.a.com"),
          { owner: "stop.b.org", rtype: "A", rdata: "192.0.2.80" },
          { owner: "stop.b.org", rtype: "AAAA", rdata: "2001:db8::80" },
        ],
      },
    ]);
    assert.deepEqual(zone.version, { releaseId: 1, serial: 10 });
    assert.deepEqual(
      zone.lookup("stop.b.org").map((record) => record.rtype),
      ["A", "AAAA"],
    );
    assert.deepEqual(zone.lookup("a.com"), [cname("a.com")], "an owner is not a prefix of another");
    assert.deepEqual(zone.lookup("b.org"), []);
    zone.apply([{ releaseId: 2, serial: 11, removed: [cname("a.com")], added: [] }]);
    assert.deepEqual(zone.lookup("a.com"), []);
    assert.equal(zone.size, 3);
  });

  it("keeps a view at the release it was taken at while later releases are applied", () => {
    const zone = ServedZone.empty();
    const first = names(10_000, "first");
    zone.apply([{ releaseId: 1, serial: 1, removed: [], added: first }]);
    const view = zone.view();
    const later = names(5_000, "later");
    zone.apply([{ releaseId: 2, serial: 2, removed: first.slice(0, 3000), added: later }]);
    assert.equal([...view.records()].length, 10_000);
    assert.equal(view.serial, 1);
    const now = [...zone.view().records()];
    assert.equal(now.length, 12_000);
    const keys = now.map((record) => record.owner);
    assert.deepEqual(keys, [...keys].sort(), "records stay in owner order across chunk splits");
  });

  it("merges a change as big as the zone in one pass, with the same result as key by key", () => {
    const zone = ServedZone.empty();
    const first = names(60_000, "bulk");
    zone.apply([{ releaseId: 1, serial: 1, removed: [], added: first }]);
    const more = names(60_000, "more");
    zone.apply([{ releaseId: 2, serial: 2, removed: first.slice(0, 30_000), added: more }]);
    assert.equal(zone.size, 90_000);
    assert.deepEqual(zone.lookup(first[0]!.owner), []);
    assert.deepEqual(zone.lookup(first[30_000]!.owner), [first[30_000]]);
    assert.deepEqual(zone.lookup(more[59_999]!.owner), [more[59_999]]);
  });

  it("never goes back to a release it has passed", () => {
    const zone = ServedZone.empty();
    zone.apply([{ releaseId: 3, serial: 30, removed: [], added: [cname("c.com")] }]);
    zone.apply([{ releaseId: 2, serial: 20, removed: [cname("c.com")], added: [] }]);
    assert.deepEqual(zone.version, { releaseId: 3, serial: 30 });
    assert.equal(zone.lookup("c.com").length, 1);
  });
});

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

  it("holds what a plain sorted set holds through random releases, chunks split and emptied along the way", () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const record = (n: number): ZoneRecord =>
      n % 3 === 0
        ? { owner: `h${n}.été.example`, rtype: "A", rdata: `192.0.2.${n % 250}` }
        : cname(`s${n}.example`);
    const key = (r: ZoneRecord) => `${r.owner} ${r.rtype} ${r.rdata}`;
    const zone = ServedZone.empty();
    const model = new Map<string, ZoneRecord>();
    for (let release = 1; release <= 150; release++) {
      const removed = Array.from({ length: random(release % 10 === 0 ? 6000 : 40) }, () =>
        record(random(9000)),
      );
      const added = Array.from({ length: random(release % 7 === 0 ? 5000 : 40) }, () => record(random(9000)));
      zone.apply([{ releaseId: release, serial: release, removed, added }]);
      for (const r of removed) model.delete(key(r));
      for (const r of added) model.set(key(r), r);
      assert.equal(zone.size, model.size);
    }
    const held = [...zone.view().records()];
    assert.deepEqual(new Set(held.map(key)), new Set(model.keys()));
    for (let n = 0; n < 9000; n += 97) {
      const r = record(n);
      assert.deepEqual(zone.lookup(r.owner), model.has(key(r)) ? [r] : [], r.owner);
    }
  });

  it("loads a zone the store hands out of order, sorted once", async () => {
    const records = names(5000, "load").reverse();
    const source = {
      version: async () => ({ releaseId: 4, serial: 40 }),
      async *pages() {
        for (let at = 0; at < records.length; at += 1000) yield records.slice(at, at + 1000);
      },
    };
    const zone = await ServedZone.load(source as unknown as Parameters<typeof ServedZone.load>[0]);
    assert.equal(zone.size, 5000);
    const owners = [...zone.view().records()].map((r) => r.owner);
    assert.deepEqual(owners, [...owners].sort());
    assert.deepEqual(zone.lookup(records[1234]!.owner), [records[1234]]);
  });

  it("builds a release far larger than a slice beside the zone, with pauses, to the zone applied at once", async () => {
    const first = names(40_000, "kept");
    const zone = ServedZone.empty();
    zone.apply([{ releaseId: 1, serial: 1, removed: [], added: first }]);
    const shuffled = names(70_000, "bulk").reverse();
    const step = {
      releaseId: 2,
      serial: 2,
      // Out of order and repeated, as a journal may hand them.
      added: [...shuffled, ...shuffled.slice(0, 500)],
      removed: first.filter((_, i) => i % 3 === 0),
    };
    let pauses = 0;
    const built = await zone.applied([step], async () => {
      pauses++;
    });
    assert.ok(pauses > 1, "the work was cut in slices");
    assert.deepEqual(zone.version, { releaseId: 1, serial: 1 }, "the zone served is left as it was");
    assert.equal(zone.size, 40_000);
    const once = ServedZone.empty();
    once.apply([{ releaseId: 1, serial: 1, removed: [], added: first }]);
    once.apply([step]);
    assert.deepEqual(built.version, { releaseId: 2, serial: 2 });
    assert.equal(built.size, once.size);
    assert.deepEqual([...built.view().records()], [...once.view().records()]);
    assert.equal(await built.applied([step], async () => {}), built, "a release already served is skipped");
  });
});

import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { duringOrder, sampleOrder } from "../../test/support/sample-order.ts";
import { recordOrder } from "../intake/record-order.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import type { Store } from "../store/database.ts";
import { openEnforcements } from "../verify/probes/enforcements.ts";
import { probePlan } from "../verify/probes/probe-plan.ts";
import { buildRelease } from "./build-release.ts";
import { defaultCanaryName, parseCanaryText, releaseDigest } from "./canary-record.ts";
import { ServedZone } from "./dns/served-zone.ts";
import { feedEntries } from "./feeds/feed-entries.ts";
import { zoneOwnerLookup } from "./feeds/zone-owner-lookup.ts";
import { hostsRenderer } from "./renderers/hosts-renderer.ts";
import { rpzRenderer } from "./renderers/rpz-renderer.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";
import { ZoneSource } from "./zone-source.ts";

const actor = "test:canary";
const canaryName = "serial.check.decree.example";
const policy = { ...defaultRpzPolicy, canaryName };

async function approve(store: Store, targets: unknown[]): Promise<void> {
  const { targets: added } = await recordOrder(store, sampleOrder({ targets }), { actor, now: duringOrder });
  const refs = (added?.added ?? []).map((t) => String(t.id));
  await decideTargets(store, { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
}

async function render(renderer: typeof rpzRenderer, store: Store, serial: number): Promise<string> {
  const source = new ZoneSource(store.db);
  const canaries = await store.db
    .selectFrom("zone_records")
    .select(["owner", "rdata"])
    .where("rtype", "=", "TXT")
    .execute();
  let text = "";
  const pages = feedEntries(source.pages(), zoneOwnerLookup(store.db));
  for await (const chunk of renderer.render(pages, { zone: policy.zone, serial, canaries })) text += chunk;
  return text;
}

describeEachEngine("the canary record of each release", (store) => {
  it("puts one TXT naming the release's serial and digest in the zone, moved through the journal", async () => {
    const served = await ServedZone.load(new ZoneSource(store().db));
    const first = await buildRelease(store().db, store().dialect, policy, duringOrder);
    await approve(store(), ["canary-blocked.com"]);
    const second = await buildRelease(store().db, store().dialect, policy, duringOrder);
    assert.equal(second?.serial, 2);
    // Counts stay those of the entries' records.
    assert.equal(second?.added, 1);
    const txt = await store().db.selectFrom("zone_records").selectAll().where("rtype", "=", "TXT").execute();
    assert.equal(txt.length, 1);
    assert.equal(txt[0]!.owner, canaryName);
    const canary = parseCanaryText(txt[0]!.rdata)!;
    assert.equal(canary.serial, 2);
    const digests = await store().db.selectFrom("releases").select("digest").orderBy("id").execute();
    const expected = releaseDigest(
      releaseDigest(null, 1, [], []),
      2,
      [],
      [{ owner: "canary-blocked.com", rtype: "CNAME", rdata: "." }],
    );
    assert.deepEqual(
      digests.map((row) => row.digest),
      [releaseDigest(null, 1, [], []), expected],
    );
    assert.equal(canary.digest, expected);
    // IXFR from release 1: the old canary deleted, the new one added, with the entry.
    const steps = await new ZoneSource(store().db).stepsSince(first!.serial, 1000);
    assert.deepEqual(
      steps?.steps[0]?.removed.map((r) => `${r.owner} ${r.rtype} ${r.rdata}`),
      [`${canaryName} TXT decree serial 1 ${digests[0]!.digest}`],
    );
    assert.ok(steps?.steps[0]?.added.some((r) => r.rtype === "TXT" && r.rdata === txt[0]!.rdata));
    // The zone held in memory moves the same way: one canary, the current one.
    const moved = await new ZoneSource(store().db).releasesAfter(0, 1000);
    served.apply(moved!);
    assert.deepEqual(
      served.lookup(canaryName).map((r) => r.rdata),
      [txt[0]!.rdata],
    );
  });

  it("carries the canary in the RPZ feed only, and never as a name to block or enforce", async () => {
    const rpz = await render(rpzRenderer, store(), 2);
    assert.match(rpz, /^serial\.check\.decree\.example 1 TXT "decree serial 2 [0-9a-f]{64}"$/m);
    const hosts = await render(hostsRenderer, store(), 2);
    assert.doesNotMatch(hosts, /serial\.check/);
    assert.match(hosts, /canary-blocked\.com/);
    const plan = await probePlan(store().db, { now: duringOrder });
    assert.deepEqual(
      plan.filter((item) => item.name.startsWith("serial.")),
      [],
    );
    await openEnforcements(store().db);
    await store()
      .db.insertInto("resolvers")
      .values({
        operator_id: (
          await store()
            .db.insertInto("operators")
            .values({
              name: "canary-op",
              tsig_key_name: null,
              tsig_secret: null,
              notify: "[]",
              allow: "[]",
              action: null,
              created_at: duringOrder.toISOString(),
              created_by: actor,
            })
            .returning("id")
            .executeTakeFirstOrThrow()
        ).id,
        host: "127.0.0.1",
        port: 53,
        transport: "udp",
        url: null,
        created_at: duringOrder.toISOString(),
        created_by: actor,
      })
      .execute();
    await approve(store(), ["canary-second.com"]);
    await buildRelease(store().db, store().dialect, policy, duringOrder);
    await openEnforcements(store().db);
    const opened = await store().db.selectFrom("enforcements").select("name").execute();
    assert.deepEqual(
      opened.map((row) => row.name),
      ["canary-second.com"],
    );
  });
});

it("names the check after the registry's public host, else the zone's parent, never under the zone", () => {
  assert.equal(
    defaultCanaryName("rpz.decree", "https://registry.decree.fr/x"),
    "serial.check.registry.decree.fr",
  );
  assert.equal(
    defaultCanaryName("rpz.decree.example", "http://127.0.0.1:8080"),
    "serial.check.decree.example",
  );
  assert.equal(defaultCanaryName("rpz.decree", undefined), "serial.check.decree");
});

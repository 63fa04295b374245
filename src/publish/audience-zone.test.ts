import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { actor, approveTargets, suspendTargets } from "../../test/support/published-zone.ts";
import { duringOrder } from "../../test/support/sample-order.ts";
import { AudienceZone } from "./audience-zone.ts";
import { buildRelease, type ReleaseSummary } from "./build-release.ts";
import { FeedCache } from "./feeds/feed-cache.ts";
import { addOperator } from "./operators.ts";
import { decideRollout } from "./rollout/decide-rollout.ts";
import { defaultRpzPolicy } from "./rpz-policy.ts";
import type { ZoneRecord } from "./rpz-records.ts";
import { updateOperator } from "./update-operator.ts";
import { ZoneSource } from "./zone-source.ts";

const policy = defaultRpzPolicy;
const text = (records: ZoneRecord[]) =>
  records.map((r) => `${r.owner} ${r.rtype} ${r.rdata}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describeEachEngine("the zone as each audience sees it", (store) => {
  let dataDir: string;
  let feeds: FeedCache;
  let first: ReleaseSummary;
  let released: string[];
  const zone = (audience: "everyone" | "canaries") =>
    new AudienceZone(store().db, new ZoneSource(store().db), audience);
  const build = (staged = true) => buildRelease(store().db, store().dialect, policy, duringOrder, { staged });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "decree-audience-"));
    // Page size 1: every staged owner falls between two pages somewhere, where it must be slipped back in.
    feeds = new FeedCache({ db: store().db, dataDir, zone: policy.zone, pageSize: 1 });
    await addOperator(store().db, { name: "Small" }, { actor, now: duringOrder });
    await updateOperator(store().db, "Small", { canary: true }, { actor, now: duringOrder });
    await approveTargets(store(), ["a-first.fifostream.tv", { value: "mfirst-films.com", kind: "domain" }]);
    first = (await build(false))!;
    released = text((await new ZoneSource(store().db).snapshot()).records);
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it("gives everyone the last release that went to all, record for record, and canaries the staged one", async () => {
    await approveTargets(store(), [{ value: "kstaged-films.com", kind: "domain" }, "zstaged.fifostream.tv"]);
    const staged = (await build())!;
    assert.equal(staged.staged, true);
    const everyone = await zone("everyone").snapshot();
    assert.equal(everyone.releaseId, first.id);
    assert.deepEqual(
      text(everyone.records),
      released,
      "the staged records taken out, the old canary put back",
    );
    const canaries = await zone("canaries").snapshot();
    assert.equal(canaries.releaseId, staged.id);
    assert.deepEqual(text(canaries.records), text((await new ZoneSource(store().db).snapshot()).records));
    const view = await zone("everyone").view();
    const paged = text([...(await collect(view.pages(1)))]);
    assert.deepEqual(paged, released, "pages of one record give the same zone");
    assert.deepEqual(await view.lookup(["kstaged-films.com", "*.kstaged-films.com"]), []);
    assert.deepEqual(
      text(await view.canaries()),
      released.filter((line) => line.includes(" TXT ")),
    );
    // What a push to a primary that is no canary's sends: nothing past the first release, and from the staged
    // serial (which it never had) no steps, so that it is synchronised whole.
    assert.deepEqual((await zone("everyone").stepsSince(first.serial, 1000))?.steps, []);
    assert.equal(await zone("everyone").stepsSince(staged.serial, 1000), null);
    const toCanary = await zone("canaries").stepsSince(first.serial, 1000);
    assert.ok(toCanary?.steps.some((step) => step.added.some((r) => r.owner === "kstaged-films.com")));
  });

  it("serves a canary's feed the staged entries and everyone's without them, diffs included", async () => {
    const newest = await new ZoneSource(store().db).version();
    const hosts = async (audience: "everyone" | "canaries", since?: number) => {
      const feed = await feeds.feed("hosts", since, audience);
      const opened = await feeds.open("hosts", since, audience);
      const body = opened.bytes?.toString("utf8") ?? (await opened.handle!.readFile("utf8"));
      await opened.handle?.close();
      return { feed, body };
    };
    const everyone = await hosts("everyone");
    assert.equal(everyone.feed.serial, first.serial);
    assert.ok(everyone.body.includes("a-first.fifostream.tv"));
    assert.ok(!everyone.body.includes("staged"), everyone.body);
    const canary = await hosts("canaries");
    assert.equal(canary.feed.serial, newest.serial);
    assert.ok(canary.body.includes("kstaged-films.com") && canary.body.includes("zstaged.fifostream.tv"));
    // A diff for everyone from a serial it never had (the staged one) is the whole feed, not the way back.
    const json = await feeds.feed("json", newest.serial, "everyone");
    assert.equal(json.from, null);
    const canaryDiff = await feeds.feed("json", first.serial, "canaries");
    assert.equal(canaryDiff.from, first.serial);
    assert.equal((await feeds.version("everyone")).serial, first.serial);
  });

  it("gives everyone the staged release once it is promoted, and nobody the one withdrawn", async () => {
    const rollout = await new ZoneSource(store().db).version();
    await decideRollout(store(), {
      decision: "proceed",
      serial: rollout.serial,
      reason: "checked",
      actor,
      now: duringOrder,
    });
    feeds.released();
    const promoted = await feeds.feed("hosts", undefined, "everyone");
    assert.equal(promoted.serial, rollout.serial);
    await approveTargets(store(), ["wwithdrawn-films.com"]);
    const staged = (await build())!;
    assert.equal((await feeds.feed("hosts", undefined, "everyone")).serial, rollout.serial);
    await decideRollout(store(), {
      decision: "withdraw",
      serial: staged.serial,
      reason: "a lawful site",
      actor,
      now: duringOrder,
    });
    const after = (await build())!;
    assert.equal(after.staged, false);
    for (const audience of ["everyone", "canaries"] as const) {
      const feed = await feeds.open("hosts", undefined, audience);
      assert.equal(feed.feed.serial, after.serial);
      assert.ok(!(feed.bytes?.toString("utf8") ?? "").includes("wwithdrawn-films.com"));
    }
  });

  it("takes a staged entry back from everyone even past a release to all built on top of it", async () => {
    await approveTargets(store(), ["rrebased-films.com"]);
    const staged = (await build())!;
    assert.equal(staged.staged, true);
    await suspendTargets(store(), ["a-first.fifostream.tv"]);
    const rebased = (await build())!;
    assert.equal(rebased.staged, true, "the lift went to all, the withheld entry staged again above it");
    const everyone = await zone("everyone").snapshot();
    assert.ok(everyone.releaseId > staged.id && everyone.releaseId < rebased.id);
    const lines = text(everyone.records);
    assert.ok(!lines.some((line) => line.includes("rrebased")), lines.join("\n"));
    assert.ok(!lines.some((line) => line.includes("a-first")));
    assert.ok(text((await zone("canaries").snapshot()).records).some((line) => line.includes("rrebased")));
  });
});

async function collect(pages: AsyncIterable<ZoneRecord[]>): Promise<ZoneRecord[]> {
  const all: ZoneRecord[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

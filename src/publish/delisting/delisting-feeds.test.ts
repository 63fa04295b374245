import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { actor, approveTargets, publish, suspendTargets } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { buildRelease } from "../build-release.ts";
import { addOperator } from "../operators.ts";
import { decideRollout } from "../rollout/decide-rollout.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { verifySignature } from "../signing-key.ts";
import { updateOperator } from "../update-operator.ts";
import { ZoneSource } from "../zone-source.ts";
import { DelistingFeeds } from "./delisting-feeds.ts";

interface Listed {
  target: number;
  kind: string;
  value: string;
  country: string;
  order: { id: number; authority: string; caseNumber: string; decisionDate: string };
}

async function read(feeds: DelistingFeeds, format: string, since?: number) {
  const opened = await feeds.open(format, since);
  const bytes = opened.bytes ?? (await opened.handle.readFile());
  await opened.handle?.close();
  return { feed: opened.feed, text: bytes.toString("utf8") };
}

let feedsDir: string;

describeEachEngine("the search engines' de-listing lists", (store) => {
  let feeds: DelistingFeeds;
  let first: number;
  let ids: { domain: string; url: string; dnsOnly: string; fqdn: string };

  before(async () => {
    feedsDir = await mkdtemp(join(tmpdir(), "decree-delisting-"));
    feeds = new DelistingFeeds({ db: store().db, dataDir: feedsDir });
    const [domain, fqdn] = await approveTargets(store(), [
      { value: "allostreaming.com", kind: "domain" },
      "www.fifostream.tv",
    ]);
    const [url] = await approveTargets(store(), ["https://video.allomovies.com/watch?v=1"], {
      measures: ["delist"],
      jurisdiction: "be",
    });
    const [dnsOnly] = await approveTargets(store(), ["dns-only.dpstream.tv"], { measures: ["dns-block"] });
    ids = { domain: domain!, url: url!, dnsOnly: dnsOnly!, fqdn: fqdn! };
    first = await publish(store());
  });

  after(() => rm(feedsDir, { recursive: true, force: true }));

  it("lists the active names and URLs of delist orders with their order and country, not DNS-only ones", async () => {
    const { feed, text } = await read(feeds, "json");
    assert.equal(feed.serial, first);
    const document = JSON.parse(text) as { serial: number; entries: Listed[] };
    assert.equal(document.serial, first);
    assert.deepEqual(
      document.entries.map((entry) => `${entry.kind} ${entry.value} ${entry.country}`),
      [
        "domain allostreaming.com FR",
        "fqdn www.fifostream.tv FR",
        "url https://video.allomovies.com/watch?v=1 BE",
      ],
    );
    const [domain] = document.entries;
    assert.equal(domain?.target, Number(ids.domain));
    assert.equal(domain?.order.authority, "Tribunal judiciaire de Paris");
    assert.match(domain?.order.caseNumber ?? "", /^RG 26\//);
    assert.equal(domain?.order.decisionDate, "2025-12-20");
    assert.ok(!text.includes("dns-only.dpstream.tv"));
  });

  it("signs the exact bytes with the registry's key", async () => {
    const { feed, text } = await read(feeds, "csv");
    const key = await feeds.signingKey();
    assert.ok(verifySignature(key.publicKey, Buffer.from(text), Buffer.from(feed.signature, "base64")));
    assert.equal(feed.keyId, key.keyId);
    const [header, ...rows] = text.split("\r\n");
    assert.equal(header, "target,kind,value,country,authority,case_number,decision_date,order,until");
    assert.equal(rows.filter(Boolean).length, 3);
  });

  it("makes a release of a change that only the de-listing list sees, with an empty zone diff", async () => {
    const before = await new ZoneSource(store().db).snapshot();
    await suspendTargets(store(), [ids.url]);
    const release = await buildRelease(store().db, store().dialect, defaultRpzPolicy, duringOrder);
    assert.ok(release, "a release is built");
    assert.deepEqual([release.added, release.removed], [0, 0]);
    assert.deepEqual((await new ZoneSource(store().db).snapshot()).records, before.records);
    const { feed, text } = await read(feeds, "json", first);
    assert.equal(feed.from, first);
    const diff = JSON.parse(text) as { from: number; to: number; added: Listed[]; removed: Listed[] };
    assert.deepEqual([diff.from, diff.to], [first, release.serial]);
    assert.deepEqual(diff.added, []);
    assert.deepEqual(
      diff.removed.map((entry) => entry.value),
      ["https://video.allomovies.com/watch?v=1"],
    );
  });

  it("renders a release's list as it stood at that release, whatever changed since", async () => {
    const serial = await publish(store());
    const atRelease = (await read(feeds, "json")).text;
    // Unpublished changes: the release's list must not move.
    await suspendTargets(store(), [ids.fqdn]);
    await rm(join(feedsDir, "feeds", String(serial)), { recursive: true, force: true });
    // Another instance, which never saw that list: it renders it again, from the log.
    const again = await read(new DelistingFeeds({ db: store().db, dataDir: feedsDir }), "json");
    assert.equal(again.feed.serial, serial);
    assert.equal(again.text, atRelease);
    const next = await publish(store());
    const diff = await read(feeds, "csv", serial);
    assert.equal(diff.feed.serial, next);
    assert.match(diff.text, /^op,target,kind,value,/);
    assert.match(diff.text, /\r\nremove,\d+,fqdn,www\.fifostream\.tv,FR,/);
  });

  it("answers a serial it does not know with the whole list", async () => {
    const { feed, text } = await read(feeds, "json", 987_654);
    assert.equal(feed.from, null);
    assert.ok(JSON.parse(text).entries);
  });

  it("refuses an unknown format with FEED_UNKNOWN_FORMAT", async () => {
    await assert.rejects(
      feeds.feed("rpz"),
      (error: { code?: string }) => error.code === "FEED_UNKNOWN_FORMAT",
    );
  });
});

describeEachEngine("the de-listing lists of a staged release", (store) => {
  let dir: string;
  let feeds: DelistingFeeds;
  const build = (staged: boolean) =>
    buildRelease(store().db, store().dialect, defaultRpzPolicy, duringOrder, { staged });
  const listed = async (audience: "everyone" | "canaries", since?: number) => {
    const opened = await feeds.open("json", since, audience);
    const bytes = opened.bytes ?? (await opened.handle.readFile());
    await opened.handle?.close();
    const document = JSON.parse(bytes.toString("utf8")) as { serial: number; entries?: Listed[] };
    return { feed: opened.feed, values: (document.entries ?? []).map((entry) => entry.value) };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "decree-delisting-staged-"));
    feeds = new DelistingFeeds({ db: store().db, dataDir: dir });
    await addOperator(store().db, { name: "Small" }, { actor, now: duringOrder });
    await updateOperator(store().db, "Small", { canary: true }, { actor, now: duringOrder });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("lists a staged entry for a canary only, also past a release to all built on top of it, until promoted", async () => {
    const [lifted] = await approveTargets(store(), ["first.fifostream.tv"]);
    const first = (await build(false))!;
    await approveTargets(store(), [{ value: "staged-films.com", kind: "domain" }]);
    const staged = (await build(true))!;
    assert.equal(staged.staged, true);
    const everyone = await listed("everyone");
    assert.equal(everyone.feed.serial, first.serial);
    assert.deepEqual(everyone.values, ["first.fifostream.tv"]);
    assert.ok((await listed("canaries")).values.includes("staged-films.com"));
    // From a serial everyone never had: the whole list, not a diff.
    assert.equal((await listed("everyone", staged.serial)).feed.from, null);

    await suspendTargets(store(), [lifted!]);
    const rebased = (await build(true))!;
    assert.equal(rebased.staged, true);
    const afterLift = await listed("everyone");
    assert.ok(afterLift.feed.serial > staged.serial && afterLift.feed.serial < rebased.serial);
    assert.deepEqual(
      afterLift.values,
      [],
      "the lift's release withholds the staged entry though built after it",
    );

    await decideRollout(store(), {
      decision: "proceed",
      serial: rebased.serial,
      reason: "checked",
      actor,
      now: duringOrder,
    });
    const promoted = await listed("everyone");
    assert.equal(promoted.feed.serial, rebased.serial);
    assert.deepEqual(promoted.values, ["staged-films.com"]);
  });
});

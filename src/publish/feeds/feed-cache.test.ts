import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { promisify } from "node:util";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish } from "../../../test/support/published-zone.ts";
import { verifySignature } from "../signing-key.ts";
import { ZoneSource } from "../zone-source.ts";
import { FeedCache, type FeedCacheOptions } from "./feed-cache.ts";

const run = promisify(execFile);
const zone = "rpz.decree";

/** The zone as the cache reads it, counting whole-zone reads and running `between` after the first page. */
class WatchedSource extends ZoneSource {
  reads = 0;
  between: (() => Promise<void>) | undefined;

  override async *pages(size?: number) {
    this.reads += 1;
    let first = true;
    for await (const page of super.pages(size)) {
      yield page;
      if (first && this.between) await this.between();
      first = false;
    }
  }
}

/** RFC 8410 §4: an Ed25519 SubjectPublicKeyInfo is this DER prefix and the raw 32-byte key. */
function publicKeyPem(raw: string): string {
  const der = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(raw, "base64")]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString("base64")}\n-----END PUBLIC KEY-----\n`;
}

describeEachEngine("the feed cache", (store) => {
  let dataDir: string;
  let source: WatchedSource;
  const cache = (options: Partial<FeedCacheOptions> = {}) =>
    new FeedCache({ db: store().db, dataDir, zone, source, pageSize: 2, ...options });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "decree-feed-cache-"));
    await approveTargets(store(), [
      { value: "allostreaming.com", kind: "domain" },
      "www.fifostream.tv",
      "www.dpstream.tv",
    ]);
    await publish(store());
  });

  after(() => rm(dataDir, { recursive: true, force: true }));

  it("renders a feed once into its serial's folder and serves the same file afterwards", async () => {
    source = new WatchedSource(store().db);
    const feeds = cache();
    const first = await feeds.feed("list");
    const again = await feeds.feed("list");
    assert.deepEqual(again, first);
    assert.equal(source.reads, 1);
    const bytes = await readFile(feeds.pathOf(first));
    assert.equal(bytes.toString(), "allostreaming.com\nwww.dpstream.tv\nwww.fifostream.tv\n");
    assert.equal(first.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.equal(first.size, bytes.length);
    const files = await readdir(join(dataDir, "feeds", String(first.serial)));
    assert.deepEqual(files.sort(), ["list.meta.json", "list.sig", "list.txt"]);
    assert.deepEqual(await readdir(join(dataDir, "feeds", ".tmp")), [], "no temporary file is left");
  });

  it("signs the exact bytes with the registry key, as verifySignature and openssl both confirm", async () => {
    source = new WatchedSource(store().db);
    const feeds = cache();
    const feed = await feeds.feed("rpz");
    const key = await feeds.signingKey();
    const bytes = await readFile(feeds.pathOf(feed));
    const signature = Buffer.from(feed.signature, "base64");
    assert.equal(feed.keyId, key.keyId);
    assert.ok(verifySignature(key.publicKey, bytes, signature));
    assert.ok(!verifySignature(key.publicKey, Buffer.concat([bytes, Buffer.from(" ")]), signature));
    const sig = join(dataDir, "feeds", String(feed.serial), "rpz.sig");
    assert.deepEqual(await readFile(sig), signature);
    const pem = join(dataDir, "public.pem");
    await writeFile(pem, publicKeyPem(key.publicKey));
    const args = [
      "pkeyutl",
      "-verify",
      "-pubin",
      "-inkey",
      pem,
      "-rawin",
      "-in",
      feeds.pathOf(feed),
      "-sigfile",
      sig,
    ];
    const { stdout } = await run("openssl", args);
    assert.match(stdout, /Signature Verified Successfully/);
  });

  it("shares one rendering among concurrent requests for the same feed", async () => {
    source = new WatchedSource(store().db);
    const feeds = cache();
    const results = await Promise.all([feeds.feed("csv"), feeds.feed("csv"), feeds.feed("csv")]);
    assert.equal(source.reads, 1);
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });

  it("renders again, for the new release, when one lands while the feed is rendered", async () => {
    source = new WatchedSource(store().db);
    await approveTargets(store(), ["late.alloshare.com"]);
    let landed: number | undefined;
    source.between = async () => {
      source.between = undefined;
      landed = await publish(store());
    };
    const feed = await cache().feed("json");
    assert.equal(source.reads, 2, "the first rendering was thrown away");
    assert.equal(feed.serial, landed);
    const document = JSON.parse(await readFile(cache().pathOf(feed), "utf8"));
    assert.equal(document.serial, landed);
    assert.ok(document.entries.some((entry: { value: string }) => entry.value === "late.alloshare.com"));
  });

  it("gives up with FEED_ZONE_MOVING when every rendering is overtaken by a release", async () => {
    source = new WatchedSource(store().db);
    let next = 0;
    source.between = async () => {
      next += 1;
      await approveTargets(store(), [`moving-${next}.alloshare.com`]);
      await publish(store());
    };
    await assert.rejects(cache({ maxAttempts: 2 }).feed("hosts"), { code: "FEED_ZONE_MOVING" });
    source.between = undefined;
  });

  it("renders a diff under its own name, and the whole feed for a serial it does not know", async () => {
    source = new WatchedSource(store().db);
    const from = await publish(store());
    await approveTargets(store(), ["new.allourls.com"]);
    const to = await publish(store());
    const feeds = cache();
    const diff = await feeds.feed("list", from);
    assert.deepEqual([diff.serial, diff.from, diff.file], [to, from, `list.since-${from}.txt`]);
    assert.equal(await readFile(feeds.pathOf(diff), "utf8"), "+new.allourls.com\n");
    const unknown = await feeds.feed("list", 999_999);
    assert.deepEqual([unknown.from, unknown.file], [null, "list.txt"]);
    const hosts = await feeds.feed("hosts", from);
    assert.equal(hosts.from, null, "a format without diffs answers the whole feed");
  });

  it("keeps the files of the last few serials only", async () => {
    source = new WatchedSource(store().db);
    const feeds = cache({ keepSerials: 2 });
    const serials: number[] = [];
    for (const name of ["a.allomegavideo.com", "b.allomegavideo.com", "c.allomegavideo.com"]) {
      await approveTargets(store(), [name]);
      serials.push((await feeds.feed("list")).serial);
      await publish(store());
    }
    serials.push((await feeds.feed("list")).serial);
    const kept = (await readdir(join(dataDir, "feeds"))).filter((name) => /^\d+$/.test(name)).map(Number);
    assert.deepEqual(
      kept.sort((a, b) => a - b),
      serials.slice(-2),
    );
  });
});

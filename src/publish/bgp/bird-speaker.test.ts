import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { sampleOrder } from "../../../test/support/sample-order.ts";
import { type StoreUnderTest, storeEngines } from "../../../test/support/stores.ts";
import { isDecreeError } from "../../errors/decree-error.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { confirmOverride, requestOverride } from "../../registry/override-finding.ts";
import { buildRelease } from "../build-release.ts";
import { addOperator } from "../operators.ts";
import { decideRollout } from "../rollout/decide-rollout.ts";
import { defaultRpzPolicy } from "../rpz-policy.ts";
import { updateOperator } from "../update-operator.ts";
import { BirdSpeaker } from "./bird-speaker.ts";

const run = promisify(execFile);
const now = new Date("2026-06-01T12:00:00Z");

// The speaker against both stores, with `true` as the reload command (the BIRD daemons are in
// test/bgp-route-feed.test.ts): what it writes, what it leaves out, and that BIRD parses it.
for (const engine of storeEngines) {
  describe(`decree's BIRD routes file (${engine.name})`, () => {
    let opened: StoreUnderTest;
    const dir = mkdtempSync(join(tmpdir(), "decree-bird-speaker-"));
    const routesFile = join(dir, "routes.conf");
    let speaker: BirdSpeaker;
    let cloudflare: number;

    before(async () => {
      opened = await engine.open();
      speaker = new BirdSpeaker({
        db: opened.store.db,
        zone: "rpz.decree",
        routesFile,
        reload: ["true"],
        nextHops: { ipv4: "198.51.100.254", ipv6: "100::1" },
      });
      const { targets } = await recordOrder(
        opened.store,
        sampleOrder({ measures: ["ip-block"], targets: ["5.45.67.89", "104.16.1.1", "2a0e:97c0:3e1::/48"] }),
        { actor: "test", now },
      );
      const [plain, shared, prefix] = targets!.added;
      cloudflare = shared!.id;
      // The finding the shared-infrastructure check gives this Cloudflare address on the submission path.
      await opened.store.db
        .insertInto("findings")
        .values({
          target_id: cloudflare,
          check: "shared-infrastructure",
          severity: "block",
          code: "TARGET_SHARED_INFRASTRUCTURE",
          message: "104.16.1.1 is inside Cloudflare's 104.16.0.0/13",
          evidence: "{}",
          created_at: now.toISOString(),
        })
        .execute();
      await decideTargets(opened.store, {
        decision: "approve",
        refs: [String(plain!.id), String(prefix!.id)],
        reason: "ordered",
        actor: "authority:1",
        now,
      });
      await buildRelease(opened.store.db, opened.store.dialect, defaultRpzPolicy, now);
    });
    after(async () => {
      await opened.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("writes the approved addresses and prefixes as blackhole routes with the configured next hops", async () => {
      const sync = await speaker.sync();
      assert.deepEqual({ routes: sync.routes, reloaded: sync.reloaded }, { routes: 2, reloaded: true });
      const text = readFileSync(routesFile, "utf8");
      assert.match(text, /route 5\.45\.67\.89\/32 blackhole \{ bgp_next_hop = 198\.51\.100\.254; /);
      assert.match(text, /route 2a0e:97c0:3e1::\/48 blackhole \{ bgp_next_hop = 100::1; /);
      assert.doesNotMatch(text, /104\.16\.1\.1/);
      writeFileSync(join(dir, "bird.conf"), `router id 192.0.2.1;\ninclude "${routesFile}";\n`);
      await run("bird", ["-p", "-c", join(dir, "bird.conf")]);
      assert.equal((await speaker.sync()).reloaded, false);
    });

    it("announces a CDN address only once its blocking finding has a confirmed override", async () => {
      const { overrideId } = await requestOverride(opened.store, {
        targetId: cloudflare,
        code: "TARGET_SHARED_INFRASTRUCTURE",
        reason: "the court named this address after hearing the provider",
        actor: "admin:1",
        now,
      });
      await confirmOverride(opened.store, { targetId: cloudflare, overrideId, actor: "authority:2", now });
      await buildRelease(opened.store.db, opened.store.dialect, defaultRpzPolicy, now);
      const sync = await speaker.sync();
      assert.equal(sync.routes, 3);
      assert.match(readFileSync(routesFile, "utf8"), /route 104\.16\.1\.1\/32 blackhole/);
    });

    it("leaves out an address the zone holds for a lifted entry, and says so", async () => {
      // Lift the entry, then put its trigger back by hand, as a fault would: a lifted target is no entry to
      // announce, whatever overrides it once had.
      await decideTargets(opened.store, {
        decision: "lift",
        refs: [String(cloudflare)],
        reason: "x",
        actor: "authority:1",
        now,
      });
      await buildRelease(opened.store.db, opened.store.dialect, defaultRpzPolicy, now);
      await opened.store.db
        .insertInto("zone_records")
        .values({ owner: "32.1.1.16.104.rpz-ip", rtype: "CNAME", rdata: "." })
        .execute();
      await assert.rejects(
        speaker.sync(),
        (error) => isDecreeError(error) && error.code === "BGP_ROUTE_NOT_APPROVED",
      );
      assert.doesNotMatch(readFileSync(routesFile, "utf8"), /104\.16\.1\.1/);
    });

    it("announces a staged address only once its release goes to all", async () => {
      await opened.store.db.deleteFrom("zone_records").where("owner", "=", "32.1.1.16.104.rpz-ip").execute();
      await addOperator(opened.store.db, { name: "Small" }, { actor: "test", now });
      await updateOperator(opened.store.db, "Small", { canary: true }, { actor: "test", now });
      const { targets } = await recordOrder(
        opened.store,
        sampleOrder({ measures: ["ip-block"], targets: ["5.45.67.90"] }),
        { actor: "test", now },
      );
      await decideTargets(opened.store, {
        decision: "approve",
        refs: [String(targets!.added[0]!.id)],
        reason: "ordered",
        actor: "authority:1",
        now,
      });
      const staged = await buildRelease(opened.store.db, opened.store.dialect, defaultRpzPolicy, now, {
        staged: true,
      });
      assert.equal(staged?.staged, true);
      await speaker.sync();
      assert.doesNotMatch(readFileSync(routesFile, "utf8"), /5\.45\.67\.90/, "the canaries' release only");
      await decideRollout(opened.store, {
        decision: "proceed",
        serial: staged!.serial,
        reason: "checked",
        actor: "authority:1",
        now,
      });
      await speaker.sync();
      assert.match(readFileSync(routesFile, "utf8"), /route 5\.45\.67\.90\/32 blackhole/);
    });
  });
}

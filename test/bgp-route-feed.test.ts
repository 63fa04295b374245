import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config/load-config.ts";
import { isDecreeError } from "../src/errors/decree-error.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import { assertRoutesApproved } from "../src/publish/bgp/approved-routes.ts";
import { BirdSpeaker } from "../src/publish/bgp/bird-speaker.ts";
import { addOperator } from "../src/publish/operators.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { type Bird, routeAt, startBird } from "./support/bird.ts";
import { freePorts } from "./support/free-port.ts";
import { pollUntil } from "./support/poll.ts";
import { runCli } from "./support/run-cli.ts";
import { sampleOrder } from "./support/sample-order.ts";

// Two real BIRD 2 daemons on loopback: decree's own, configured by `decree bgp config` and driven by decree after
// each release, and the operator's "router", configured by `decree operators config NAME --for bird`. Neither has
// a kernel protocol, so no route reaches this machine's forwarding table; both talk BGP over 127.0.0.1 only, on
// free ports, and each has its own control socket.

const actor = "test:bgp";
const day = 86_400_000;
const address = "5.45.67.89";
const prefix = "91.92.93.0/24";
const address6 = "2a0e:97c0:3e1::7";

const code = (expected: string) => (error: unknown) => isDecreeError(error) && error.code === expected;

describe("the BGP route feed through two real BIRD 2 daemons", { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "decree-bgp-"));
  const dataDir = join(dir, "data");
  const routesFile = join(dir, "routes.conf");
  let env: Record<string, string>;
  let service: RunningService;
  let speaker: Bird;
  let router: Bird;
  let targetIds: string[] = [];

  before(async () => {
    const [speakerPort, routerPort] = await freePorts(2);
    env = {
      DECREE_DATA: dataDir,
      DECREE_ACTOR: actor,
      DECREE_BGP_ROUTES_FILE: routesFile,
      DECREE_BGP_BIRD_SOCKET: join(dir, "decree.ctl"),
      DECREE_BGP_LISTEN: `127.0.0.1:${speakerPort}`,
      DECREE_BGP_AS: "64512",
    };
    const config = loadConfig(
      { data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0" },
      env,
    );
    service = await startService(config, { clockIntervalMs: 100 });
    await addOperator(service.store.db, { name: "Orange", tsig: false }, { actor, now: new Date() });
    // decree writes the routes file at start; BIRD needs it to exist before it reads its configuration.
    await pollUntil("decree to write the routes file", async () =>
      existsSync(routesFile) ? true : undefined,
    );
    const speakerConfig = await runCli(["bgp", "config"], env);
    assert.equal(speakerConfig.code, 0, speakerConfig.stderr);
    assert.match(speakerConfig.stdout, /neighbor range 127\.0\.0\.0\/8 external;/);
    assert.doesNotMatch(speakerConfig.stdout, /protocol kernel/);
    speaker = await startBird("decree", dir, speakerConfig.stdout);
    const routerConfig = await runCli(
      [
        "operators",
        "config",
        "Orange",
        "--for",
        "bird",
        "--router-as",
        "64513",
        "--router-id",
        "127.0.0.2",
        "--router-address",
        `127.0.0.1:${routerPort}`,
      ],
      env,
    );
    assert.equal(routerConfig.code, 0, routerConfig.stderr);
    assert.doesNotMatch(routerConfig.stdout, /protocol kernel/);
    router = await startBird("router", dir, routerConfig.stdout);
    await pollUntil(
      "the router's BGP session with decree's BIRD",
      async () =>
        (await router.birdc("show", "protocols", "decree")).includes("Established") ? true : undefined,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  });

  after(async () => {
    await router?.stop();
    await speaker?.stop();
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function approve(values: string[], untilMs = 30 * day): Promise<string[]> {
    const validity = {
      from: new Date(Date.now() - day).toISOString(),
      until: new Date(Date.now() + untilMs).toISOString(),
    };
    const order = sampleOrder({ targets: values, validity, measures: ["ip-block", "dns-block"] });
    const { targets } = await recordOrder(service.store, order, { actor, now: new Date() });
    const refs = (targets?.added ?? []).map((target) => String(target.id));
    assert.equal(refs.length, values.length);
    await decideTargets(service.store, {
      decision: "approve",
      refs,
      reason: "ordered",
      actor,
      now: new Date(),
    });
    return refs;
  }

  it("announces approved addresses and prefixes to the router as blackholes with BLACKHOLE and NO_EXPORT", async () => {
    targetIds = await approve([address, prefix, address6]);
    for (const route of [`${address}/32`, prefix, `${address6}/128`]) {
      const shown = await pollUntil(`the router to hold ${route}`, () => routeAt(router, route), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      assert.match(shown, /blackhole/, shown);
      assert.match(shown, /BGP\.community: .*\(65535,666\)/, shown);
      assert.match(shown, /\(65535,65281\)/, shown);
      assert.match(shown, /BGP\.as_path: 64512/, shown);
    }
    assert.match((await routeAt(router, `${address}/32`))!, /BGP\.next_hop: 192\.0\.2\.1/);
    assert.match((await routeAt(router, `${address6}/128`))!, /BGP\.next_hop: 100::1/);
    // decree's BIRD announces; it never learns anything back.
    assert.equal(await routeAt(speaker, "0.0.0.0/0"), undefined);
  });

  it("withdraws a lifted address and a suspended prefix at the router, and keeps the others", async () => {
    await decideTargets(service.store, {
      decision: "lift",
      refs: [targetIds[0]!],
      reason: "appeal upheld",
      actor,
      now: new Date(),
    });
    await decideTargets(service.store, {
      decision: "suspend",
      refs: [targetIds[1]!],
      reason: "appeal filed",
      actor,
      now: new Date(),
    });
    for (const route of [`${address}/32`, prefix]) {
      await pollUntil(
        `the router to drop ${route}`,
        async () => ((await routeAt(router, route)) === undefined ? true : undefined),
        { timeoutMs: 10_000, intervalMs: 20 },
      );
    }
    assert.ok(await routeAt(router, `${address6}/128`), "the IPv6 entry still stands");
  });

  it("withdraws an address when its order ends, without anyone acting", async () => {
    const expiring = "5.45.70.1";
    await approve([expiring], 3000);
    await pollUntil(`the router to hold ${expiring}/32`, () => routeAt(router, `${expiring}/32`), {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    await pollUntil(
      `the router to drop ${expiring}/32 at the order's end`,
      async () => ((await routeAt(router, `${expiring}/32`)) === undefined ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    const state = await service.store.db
      .selectFrom("targets")
      .select("state")
      .where("value", "=", expiring)
      .executeTakeFirstOrThrow();
    assert.equal(state.state, "expired");
  });

  it("does not reload BIRD for a release that changes no address entry", async () => {
    const before = await service.publication.bgp!.sync();
    const released = once(service.publication.scheduler, "release");
    await approve(["unrelated-streams.com"]);
    await released;
    const after = await service.publication.bgp!.sync();
    assert.ok(after.releaseId > before.releaseId, "a release came");
    assert.equal(after.reloaded, false);
    assert.equal(after.routes, before.routes);
  });

  it("serves the same route set as feeds, in BIRD's syntax and as JSON", async () => {
    const base = `http://127.0.0.1:${service.http.port}`;
    const bird = await fetch(`${base}/feeds/bird`);
    assert.equal(bird.status, 200);
    const text = await bird.text();
    assert.match(text, /protocol static decree_blackhole_v6 \{/);
    assert.match(text, new RegExp(`route ${address6.replaceAll(":", ":")}/128 blackhole`));
    assert.doesNotMatch(text, new RegExp(address.replaceAll(".", "\\.")));
    const json = (await (await fetch(`${base}/feeds/bgp-json`)).json()) as {
      communities: string[];
      routes: Array<{ prefix: string; nextHop: string }>;
    };
    assert.deepEqual(json.communities, ["65535:666", "65535:65281"]);
    assert.deepEqual(json.routes, [{ prefix: `${address6}/128`, nextHop: "100::1" }]);
  });

  it("refuses to announce an address that is not an approved entry", async () => {
    await assert.rejects(
      assertRoutesApproved(service.store.db, [{ kind: "ip", value: address, action: "nxdomain" }]),
      code("BGP_ROUTE_NOT_APPROVED"),
    );
    await assertRoutesApproved(service.store.db, [{ kind: "ip", value: address6, action: "nxdomain" }]);
  });

  it("leaves out of BIRD a route the zone holds without an approved entry, and says so", async () => {
    // What the code never writes, written by hand: an address trigger with no entry behind it.
    const stray = { owner: "32.99.99.45.5.rpz-ip", rtype: "CNAME", rdata: "." };
    await service.store.db.insertInto("zone_records").values(stray).execute();
    try {
      await assert.rejects(service.publication.bgp!.sync(), code("BGP_ROUTE_NOT_APPROVED"));
      const file = readFileSync(routesFile, "utf8");
      assert.doesNotMatch(file, /5\.45\.99\.99/);
      assert.match(file, new RegExp(`route ${address6}/128 blackhole`));
      assert.equal(await routeAt(router, "5.45.99.99/32"), undefined);
    } finally {
      await service.store.db.deleteFrom("zone_records").where("owner", "=", stray.owner).execute();
    }
  });

  it("says so with a code when BIRD cannot be reloaded, and keeps the file", async () => {
    const lonely = new BirdSpeaker({
      db: service.store.db,
      zone: "rpz.decree",
      routesFile: join(dir, "elsewhere.conf"),
      reload: ["birdc", "-s", join(dir, "no-such.ctl"), "configure"],
    });
    await assert.rejects(lonely.sync(), code("BGP_RELOAD_FAILED"));
    assert.ok(existsSync(join(dir, "elsewhere.conf")));
  });

  it("refuses a next hop of the wrong family and an AS number that is none", () => {
    assert.throws(
      () => loadConfig({ data: dataDir }, { DECREE_BGP_NEXT_HOP_IPV4: "100::1" }),
      code("BGP_NEXT_HOP_INVALID"),
    );
    assert.throws(
      () => loadConfig({ data: dataDir }, { DECREE_BGP_AS: "23456" }),
      code("BGP_SETTINGS_INVALID"),
    );
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import type { TransferLog } from "../src/publish/dns/dns-primary.ts";
import { addOperator } from "../src/publish/operators.ts";
import { resolverConfig } from "../src/publish/resolver-config.ts";
import { decideRollout } from "../src/publish/rollout/decide-rollout.ts";
import { type OpenRollout, openRollout } from "../src/publish/rollout/open-rollout.ts";
import { updateOperator } from "../src/publish/update-operator.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { addResolver } from "../src/verify/probes/resolvers.ts";
import { type DnsAnswer, describeAnswer, queryDns } from "./support/dns-client.ts";
import { freePort } from "./support/free-port.ts";
import { pollUntil } from "./support/poll.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { type ResolverUnderTest, startUnbound } from "./support/unbound.ts";
import { startUpstream, type Upstream, upstreamAddress } from "./support/upstream.ts";

// decree's primary with two real Unbound resolvers, one per operator, each a secondary of the zone by its printed
// configuration; names that are not blocked resolve through a local authority on loopback. Unbound cannot sign
// transfers (no TSIG), so each operator is told apart by the address its resolver transfers from: the canary's
// from 127.0.0.1, the other's from ::1 (decree's primary listens on both; Unbound's TCP transfers take no
// `outgoing-interface`, so the address family is what keeps the two sources apart on one machine).

const actor = "test:staged-rollout";
const zone = "rpz.decree";
const canarySource = "127.0.0.1";
const otherSource = "::1";
/** Control names: two of them are what a wrong order would block, as Denmark's 2012 update blocked Google. */
const controlNames = ["popular-search.com", "social-network.org", "news-portal.net"];
const domains = [...controlNames, "allostreaming.com", "fifostream.tv"];
const day = 86_400_000;

describe("a staged release with two Unbound resolvers, one of them a canary", { timeout: 90_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-staged-"));
  let service: RunningService;
  let upstream: Upstream;
  let canary: ResolverUnderTest;
  let other: ResolverUnderTest;
  const transfers: TransferLog[] = [];

  before(async () => {
    upstream = await startUpstream(domains);
    const config = {
      ...loadConfig({ data: dataDir, http: "127.0.0.1:0", dns: "[::]:0", stop: "127.0.0.1:0" }, {}),
      transferAllow: [],
      releases: { staged: true, controlNames, coHostedControlNames: 0 },
    };
    service = await startService(config, { clockIntervalMs: 100 });
    service.publication.primary.on("transfer", (log) => transfers.push(log));
    const canaryPort = await freePort();
    const otherPort = await freePort();
    const now = new Date();
    const db = service.store.db;
    const forCanary = await addOperator(
      db,
      { name: "small-isp", notify: [`127.0.0.1:${canaryPort}`], allow: [canarySource], tsig: false },
      { actor, now },
    );
    const forOther = await addOperator(
      db,
      { name: "big-isp", notify: [`127.0.0.1:${otherPort}`], allow: [otherSource], tsig: false },
      { actor, now },
    );
    const marked = await updateOperator(db, "small-isp", { canary: true }, { actor, now });
    assert.equal(marked.canary, true);
    await addResolver(db, { operator: "small-isp", address: `127.0.0.1:${canaryPort}` }, { actor, now });
    await addResolver(db, { operator: "big-isp", address: `127.0.0.1:${otherPort}` }, { actor, now });
    const httpBase = `http://127.0.0.1:${service.http.port}`;
    const toCanary = { zone, host: canarySource, port: service.dns.port, httpBase };
    const toOther = { zone, host: otherSource, port: service.dns.port, httpBase };
    // IPv6 for the transfers only; decree's NOTIFY comes from 127.0.0.1, which Unbound must then accept.
    const otherConfig = resolverConfig("unbound", forOther.operator, toOther)
      .replace("server:\n", "server:\n    do-ip6: yes\n")
      .replace("rpz:\n", "rpz:\n    allow-notify: 127.0.0.1\n");
    const started = await Promise.allSettled([
      startUnbound({
        port: canaryPort,
        rpz: resolverConfig("unbound", forCanary.operator, toCanary),
        upstream,
      }),
      startUnbound({ port: otherPort, rpz: otherConfig, upstream }),
    ]);
    if (started[0].status === "fulfilled") canary = started[0].value;
    if (started[1].status === "fulfilled") other = started[1].value;
    for (const result of started) if (result.status === "rejected") throw result.reason;
    await pollUntil(
      "both resolvers to transfer the zone",
      async () =>
        transfers.some((t) => t.operator === "small-isp") && transfers.some((t) => t.operator === "big-isp")
          ? true
          : undefined,
      { timeoutMs: 10_000, lastSeen: () => JSON.stringify(transfers) },
    );
  });

  after(async () => {
    await Promise.all([canary?.stop(), other?.stop()]);
    await service?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function approve(targets: unknown[]): Promise<string[]> {
    const now = Date.now();
    const validity = {
      from: new Date(now - day).toISOString(),
      until: new Date(now + 30 * day).toISOString(),
    };
    const { targets: added } = await recordOrder(service.store, sampleOrder({ targets, validity }), {
      actor,
      now: new Date(),
    });
    const ids = (added?.added ?? []).map((target) => String(target.id));
    await decideTargets(service.store, {
      decision: "approve",
      refs: ids,
      reason: "test",
      actor,
      now: new Date(),
    });
    return ids;
  }

  const nxdomain = (answer: DnsAnswer) => answer.rcode === "NXDOMAIN";
  const resolves = (name: string) => (answer: DnsAnswer) =>
    answer.rcode === "NOERROR" && answer.addresses.join() === upstreamAddress(name);

  async function answers(
    resolver: ResolverUnderTest,
    name: string,
    expected: (answer: DnsAnswer) => boolean,
    what: string,
    timeoutMs = 8000,
  ): Promise<void> {
    let last: DnsAnswer | undefined;
    await pollUntil(
      `${resolver === canary ? "the canary" : "the other resolver"} to answer ${what} for ${name}`,
      async () => {
        resolver.daemon.assertRunning();
        last = await queryDns(resolver, name, "A", 1000);
        return expected(last) ? true : undefined;
      },
      { timeoutMs, intervalMs: 20, lastSeen: () => (last ? describeAnswer(last) : "no answer") },
    );
  }

  async function rolloutIn(state: OpenRollout["state"]): Promise<OpenRollout> {
    return pollUntil(
      `a rollout ${state}`,
      async () => {
        const open = await openRollout(service.store.db);
        return open?.state === state ? open : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  }

  async function noRollout(): Promise<void> {
    await pollUntil(
      "the rollout to end",
      async () => ((await openRollout(service.store.db)) ? undefined : true),
      {
        timeoutMs: 10_000,
        intervalMs: 50,
      },
    );
  }

  const otherGot = (soaSerial: number) =>
    transfers.some((t) => t.operator === "big-isp" && t.serial === soaSerial);

  it("promotes a staged release to everyone once the canary applied it and its control names resolve", async () => {
    await approve([{ value: "allostreaming.com", kind: "domain" }]);
    await answers(canary, "allostreaming.com", nxdomain, "NXDOMAIN");
    const staged = await service.store.db
      .selectFrom("events")
      .select("id")
      .where("action", "=", "release.staged")
      .execute();
    assert.equal(staged.length, 1, "staged first");
    await noRollout();
    await answers(other, "allostreaming.com", nxdomain, "NXDOMAIN");
    const promoted = await service.store.db
      .selectFrom("events")
      .select(["actor", "reason"])
      .where("action", "=", "release.promoted")
      .execute();
    assert.equal(promoted.length, 1);
    assert.equal(promoted[0]!.actor, "system:rollout");
  });

  it("halts a release whose entry blocks a control name at the canary: the other resolver never sees it, until a person proceeds", async () => {
    await approve([{ value: "popular-search.com", kind: "domain" }]);
    const halted = await rolloutIn("halted");
    assert.deepEqual(
      halted.halt?.overBlocked.map((o) => [o.operator, o.name, o.answer]),
      [["small-isp", "popular-search.com", "NXDOMAIN"]],
    );
    await answers(canary, "popular-search.com", nxdomain, "NXDOMAIN");
    // Long enough for a NOTIFY, a transfer and several looks of the rollout job.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await answers(other, "popular-search.com", resolves("popular-search.com"), "the upstream's address");
    assert.equal(otherGot(halted.soaSerial), false, "the other operator never transferred the staged serial");
    assert.equal((await openRollout(service.store.db))?.state, "halted", "nothing moves it but a person");
    const events = await service.store.db
      .selectFrom("events")
      .select("action")
      .where("action", "=", "release.halted")
      .execute();
    assert.equal(events.length, 1);
    // Taken off the canaries now, it would be offered a serial below the one it holds.
    await assert.rejects(
      updateOperator(service.store.db, "small-isp", { canary: false }, { actor, now: new Date() }),
      { code: "ROLLOUT_CANARY_BUSY" },
    );
    await assert.rejects(
      decideRollout(service.store, {
        decision: "proceed",
        serial: halted.serial - 1,
        reason: "r",
        actor,
        now: new Date(),
      }),
      { code: "ROLLOUT_NOT_STAGED" },
    );

    await decideRollout(service.store, {
      decision: "proceed",
      serial: halted.serial,
      reason: "the name is the order's, checked",
      actor,
      now: new Date(),
    });
    await answers(other, "popular-search.com", nxdomain, "NXDOMAIN");
    await pollUntil("the other operator's transfer of the promoted serial", async () =>
      otherGot(halted.soaSerial) ? true : undefined,
    );
  });

  it("withdraws a halted release as a new, higher release without its entries", async () => {
    await approve([{ value: "social-network.org", kind: "domain" }]);
    const halted = await rolloutIn("halted");
    await answers(canary, "social-network.org", nxdomain, "NXDOMAIN");
    await decideRollout(service.store, {
      decision: "withdraw",
      serial: halted.serial,
      reason: "a lawful site",
      actor,
      now: new Date(),
    });
    await answers(canary, "social-network.org", resolves("social-network.org"), "the upstream's address");
    await answers(other, "social-network.org", resolves("social-network.org"), "the upstream's address");
    const newest = await service.store.db
      .selectFrom("releases")
      .select(["id", "soa_serial", "staged"])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    assert.ok(Number(newest.id) > halted.releaseId, "the withdrawal is a new release");
    assert.ok(Number(newest.soa_serial) > halted.soaSerial, "its serial is higher");
    assert.equal(Number(newest.staged), 0, "and it goes to everyone");
    assert.equal(otherGot(halted.soaSerial), false, "the other operator never had the withdrawn serial");
    assert.equal(await openRollout(service.store.db), undefined);
  });

  it("sends an emergency lift to everyone at once, unstaged, while a staged release is halted", async () => {
    const [fifo] = await approve([{ value: "fifostream.tv", kind: "domain" }]);
    await answers(canary, "fifostream.tv", nxdomain, "NXDOMAIN");
    await noRollout();
    await answers(other, "fifostream.tv", nxdomain, "NXDOMAIN");
    await approve([{ value: "news-portal.net", kind: "domain" }]);
    const halted = await rolloutIn("halted");
    await answers(canary, "news-portal.net", nxdomain, "NXDOMAIN");

    await decideTargets(service.store, {
      decision: "lift",
      refs: [fifo!],
      reason: "court lifted it",
      actor,
      now: new Date(),
    });
    await answers(other, "fifostream.tv", resolves("fifostream.tv"), "the upstream's address");
    await answers(canary, "fifostream.tv", resolves("fifostream.tv"), "the upstream's address");
    const lift = await service.store.db
      .selectFrom("releases")
      .select(["id", "soa_serial", "staged"])
      .where("id", ">", halted.releaseId)
      .where("staged", "=", 0)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    assert.ok(otherGot(Number(lift.soa_serial)), "the other operator transferred the lift's release");
    // The halted entry stays with the canary, staged again above the lift; the other resolver never sees it.
    const rebased = await rolloutIn("halted");
    assert.ok(rebased.releaseId > Number(lift.id));
    assert.ok(rebased.soaSerial > Number(lift.soa_serial));
    await answers(canary, "news-portal.net", nxdomain, "NXDOMAIN");
    await answers(other, "news-portal.net", resolves("news-portal.net"), "the upstream's address");
    assert.equal(otherGot(rebased.soaSerial), false);
    assert.equal(otherGot(halted.soaSerial), false);
  });
});

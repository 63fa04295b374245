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
import { registerWebhook } from "../src/publish/webhooks/register-webhook.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { addResolver } from "../src/verify/probes/resolvers.ts";
import { rolloutControls } from "../src/verify/rollout/rollout-controls.ts";
import { tokenFor } from "./support/accounts.ts";
import { type DnsAnswer, describeAnswer, queryDns } from "./support/dns-client.ts";
import { freePort } from "./support/free-port.ts";
import { pollUntil } from "./support/poll.ts";
import { runCli } from "./support/run-cli.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { type ResolverUnderTest, startUnbound } from "./support/unbound.ts";
import { startUpstream, type Upstream, upstreamAddress } from "./support/upstream.ts";
import { type ReceivedRequest, startWebhookReceiver } from "./support/webhook-receiver.ts";

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

describe("a staged release with two Unbound resolvers, one of them a canary", { timeout: 150_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-staged-"));
  let service: RunningService;
  let upstream: Upstream;
  let canary: ResolverUnderTest;
  let other: ResolverUnderTest;
  const transfers: TransferLog[] = [];
  /** Each operator's API token (its organisation bears its name), and the webhook receiver it registered. */
  const tokens: Record<"canary" | "other", string> = { canary: "", other: "" };
  const hooks: Partial<Record<"canary" | "other", Awaited<ReturnType<typeof startWebhookReceiver>>>> = {};
  let httpBase = "";
  /** The release that halted on popular-search.com, for the shell to show at the end. */
  let haltedSerial = 0;
  let closed = false;

  before(async () => {
    upstream = await startUpstream(domains);
    const config = {
      ...loadConfig({ data: dataDir, http: "127.0.0.1:0", dns: "[::]:0", stop: "127.0.0.1:0" }, {}),
      transferAllow: [],
      webhookAllowPrivate: true,
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
    httpBase = `http://127.0.0.1:${service.http.port}`;
    for (const [who, name] of [
      ["canary", "small-isp"],
      ["other", "big-isp"],
    ] as const) {
      const { token, principal } = await tokenFor(service.store, "operator", name);
      tokens[who] = token;
      const receiver = await startWebhookReceiver();
      hooks[who] = receiver;
      await registerWebhook(
        service.store,
        receiver.url,
        { organisationId: principal.organisationId, actor, now },
        { allowPrivateDestinations: true },
      );
    }
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
    await Promise.all([canary?.stop(), other?.stop(), hooks.canary?.close(), hooks.other?.close()]);
    if (!closed) await service?.close();
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

  /** The JSON feed as `who` fetches it: with its operator's token, or with none (the public). */
  async function feed(who: "canary" | "other" | "public", since?: number) {
    const headers: Record<string, string> =
      who === "public" ? {} : { authorization: `Bearer ${tokens[who]}` };
    const response = await fetch(`${httpBase}/feeds/json${since === undefined ? "" : `?since=${since}`}`, {
      headers,
    });
    assert.equal(response.status, 200, `${who}'s feed`);
    return { serial: Number(response.headers.get("decree-serial")), body: await response.text() };
  }

  async function testList(who: "canary" | "other" | "public") {
    const headers: Record<string, string> =
      who === "public" ? {} : { authorization: `Bearer ${tokens[who]}` };
    const response = await fetch(`${httpBase}/feeds/citizenlab-csv`, { headers });
    assert.equal(response.status, 200);
    return response.text();
  }

  /** The serials of the release deliveries `who`'s webhook received, by type. */
  const delivered = (who: "canary" | "other", type = "release") =>
    (hooks[who]?.received ?? [])
      .map((request: ReceivedRequest) => JSON.parse(request.body))
      .filter((body) => body.type === type)
      .map((body) => Number(body.release.serial));

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
    haltedSerial = halted.serial;
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

    // The feeds by token: the canary's shows the staged entry, the other operator's and the public's do not.
    const canaryFeed = await feed("canary");
    assert.equal(canaryFeed.serial, halted.serial);
    assert.ok(canaryFeed.body.includes('"popular-search.com"'), canaryFeed.body);
    for (const who of ["other", "public"] as const) {
      const seen = await feed(who);
      assert.ok(seen.serial < halted.serial, `${who} is served the last release that went to all`);
      assert.ok(!seen.body.includes("popular-search.com"), seen.body);
      const diff = await feed(who, seen.serial - 1);
      assert.ok(!diff.body.includes("popular-search.com"), diff.body);
      // A serial it was never given is answered with the whole feed, never a diff from the staged release.
      const fromStaged = await fetch(`${httpBase}/feeds/json?since=${halted.serial}`, {
        headers: who === "public" ? {} : { authorization: `Bearer ${tokens[who]}` },
      });
      assert.equal(fromStaged.headers.get("decree-feed"), "full");
      assert.ok(!(await fromStaged.text()).includes("popular-search.com"));
      assert.ok(!(await testList(who)).includes("popular-search.com"));
    }
    assert.ok((await testList("canary")).includes("popular-search.com"));

    // Webhooks: the canary heard of the staged release and of its halt; the other operator of neither.
    await pollUntil("the canary's webhook to hear of the halt", async () =>
      delivered("canary", "release.halted").includes(halted.serial) ? true : undefined,
    );
    assert.ok(delivered("canary").includes(halted.serial));
    assert.ok(!delivered("other").includes(halted.serial));
    assert.ok(!delivered("other", "release.halted").includes(halted.serial));

    // What the halt rested on is stored, as measurements of the canary's resolver.
    const controls = await rolloutControls(service.store.db, halted);
    assert.ok(controls.runs >= 1);
    const asked = controls.measurements.find((m) => m.name === "popular-search.com");
    assert.equal(asked?.operator, "small-isp");
    assert.equal(asked?.expectation, "control");
    assert.equal(asked?.verdict, "over-blocked");
    assert.equal(asked?.rcode, "NXDOMAIN");
    const overHttp = await fetch(`${httpBase}/releases/${halted.serial}/rollout`, {
      headers: { authorization: `Bearer ${(await tokenFor(service.store, "authority")).token}` },
    });
    assert.equal(overHttp.status, 200);
    const shown = (await overHttp.json()) as {
      controls: { measurements: Array<{ name: string; verdict: string }> };
    };
    assert.ok(
      shown.controls.measurements.some(
        (m) => m.name === "popular-search.com" && m.verdict === "over-blocked",
      ),
    );
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
    for (const who of ["canary", "other", "public"] as const) {
      // Promoted with no new release: an instance that caches the current release sees it within 50 ms.
      const seen = await pollUntil(`${who}'s feed of the promoted release`, async () => {
        const got = await feed(who);
        return got.serial === halted.serial ? got : undefined;
      });
      assert.ok(seen.body.includes('"popular-search.com"'));
    }
    await pollUntil("the other operator's webhook to hear of the promoted release", async () =>
      delivered("other").includes(halted.serial) ? true : undefined,
    );
  });

  it("withdraws a halted release as a new, higher release without its entries", async () => {
    await approve([{ value: "social-network.org", kind: "domain" }]);
    const halted = await rolloutIn("halted");
    await answers(canary, "social-network.org", nxdomain, "NXDOMAIN");
    assert.ok((await feed("canary")).body.includes('"social-network.org"'));
    assert.ok(!(await feed("other")).body.includes("social-network.org"));
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
    for (const who of ["canary", "other", "public"] as const) {
      const seen = await feed(who);
      assert.ok(seen.serial > halted.serial, `${who} is served the withdrawal`);
      assert.ok(!seen.body.includes("social-network.org"), `${who}'s feed no longer has it`);
    }
    await pollUntil("the other operator's webhook to hear of the withdrawal's release", async () =>
      delivered("other").includes(Number(newest.id)) ? true : undefined,
    );
    assert.ok(delivered("canary").includes(halted.serial), "the canary heard of the staged release");
    assert.ok(!delivered("other").includes(halted.serial), "the other operator never hears of it");
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

  it("shows in the shell what a rollout's halt rested on, once the service has let go of the store", async () => {
    await service.close();
    closed = true;
    const shown = await runCli(["--data", dataDir, "--json", "releases", "rollout", String(haltedSerial)]);
    assert.equal(shown.code, 0, shown.stderr);
    const document = JSON.parse(shown.stdout) as {
      rollout: { state: string; serial: number };
      controls: { runs: number; measurements: Array<{ name: string; verdict: string; operator: string }> };
    };
    assert.equal(document.rollout.serial, haltedSerial);
    assert.equal(document.rollout.state, "promoted");
    assert.ok(
      document.controls.measurements.some(
        (m) => m.name === "popular-search.com" && m.verdict === "over-blocked" && m.operator === "small-isp",
      ),
      shown.stdout,
    );
    const text = await runCli(["--data", dataDir, "releases", "rollout", String(haltedSerial)]);
    assert.match(text.stdout, /small-isp .* popular-search\.com: over-blocked \(NXDOMAIN/);
    const unknown = await runCli(["--data", dataDir, "releases", "rollout", "999999"]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /NOT_FOUND|No rollout staged release 999999/);
  });
});

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import { loadConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import type { ReleaseSummary } from "../src/publish/build-release.ts";
import type { RefusalLog, TransferLog } from "../src/publish/dns/dns-primary.ts";
import type { NotifyOutcome } from "../src/publish/dns/notify-sender.ts";
import { addOperator } from "../src/publish/operators.ts";
import { resolverConfig } from "../src/publish/resolver-config.ts";
import { applyClock } from "../src/registry/apply-clock.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { inTransaction } from "../src/store/in-transaction.ts";
import { startBind } from "./support/bind.ts";
import { type DnsAnswer, describeAnswer, queryDns } from "./support/dns-client.ts";
import { freePort } from "./support/free-port.ts";
import { pollUntil } from "./support/poll.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { type ResolverUnderTest, startUnbound } from "./support/unbound.ts";
import { startUpstream, type Upstream, upstreamAddress } from "./support/upstream.ts";

// Unbound 1.17 and BIND 9.18 run as RPZ secondaries of a real decree service, all on loopback. Names that are
// not blocked resolve through a local authoritative server (test/support/upstream.ts) that answers an A record
// for every name under its domains and never NXDOMAIN: an NXDOMAIN or a stop page address can only come from
// the policy zone.

const run = promisify(execFile);
const actor = "test:resolvers";
const zone = "rpz.decree";
const stopPage = "192.0.2.80";
/** Unbound transfers from 127.0.0.1, the address its operator registered; it cannot sign (no TSIG). */
const unboundSource = "127.0.0.1";
/** BIND transfers from an address that no rule allows: its transfers pass by its TSIG key or not at all. */
const bindSource = "127.0.0.3";
/** A client address that no rule allows either. */
const strangerSource = "127.0.0.2";
/** The upstream's domains; decree refuses special-use names such as example.com, so these look real. */
const domains = [
  "allostreaming.com",
  "fifostream.tv",
  "never-listed-site.com",
  "streamfilou.net",
  "lifted-films.org",
  "expiring-streams.net",
];
const day = 86_400_000;

type Seen<T> = T & { at: number };

describe("Unbound and BIND as RPZ secondaries of decree", { timeout: 60_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-resolvers-"));
  let service: RunningService;
  let upstream: Upstream;
  let unbound: ResolverUnderTest;
  let bind: ResolverUnderTest;
  let bindKey: { name: string; secret: string };
  const transfers: Seen<TransferLog>[] = [];
  const refusals: RefusalLog[] = [];
  const notifications: NotifyOutcome[] = [];

  before(async () => {
    upstream = await startUpstream(domains);
    const config = {
      ...loadConfig(
        { data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0", stopPage: [stopPage] },
        {},
      ),
      // No blanket rule for loopback: only the operators' own addresses and keys let anyone transfer.
      transferAllow: [],
    };
    service = await startService(config, { clockIntervalMs: 100 });
    const { primary, notifier } = service.publication;
    primary.on("transfer", (log) => transfers.push({ ...log, at: performance.now() }));
    primary.on("refused", (log) => refusals.push(log));
    notifier.on("notified", (outcome) => notifications.push(outcome));

    const unboundPort = await freePort();
    const bindPort = await freePort();
    const now = new Date();
    const forUnbound = await addOperator(
      service.store.db,
      { name: "unbound-test", notify: [`127.0.0.1:${unboundPort}`], allow: [unboundSource], tsig: false },
      { actor, now },
    );
    const forBind = await addOperator(
      service.store.db,
      { name: "bind-test", notify: [`127.0.0.1:${bindPort}`], tsig: true },
      { actor, now },
    );
    bindKey = { name: forBind.operator.tsig!.keyName, secret: forBind.secret! };
    const primaryEndpoint = { zone, ...service.dns, httpBase: `http://127.0.0.1:${service.http.port}` };
    const started = await Promise.allSettled([
      startUnbound({
        port: unboundPort,
        rpz: resolverConfig("unbound", forUnbound.operator, primaryEndpoint),
        upstream,
      }),
      startBind({
        port: bindPort,
        rpz: resolverConfig("bind", forBind.operator, primaryEndpoint),
        secret: bindKey.secret,
        upstream,
        transferSource: bindSource,
      }),
    ]);
    const [unboundStart, bindStart] = started;
    if (unboundStart.status === "fulfilled") unbound = unboundStart.value;
    if (bindStart.status === "fulfilled") bind = bindStart.value;
    for (const result of started) if (result.status === "rejected") throw result.reason;
    // Both hold the zone before any test changes it.
    await pollUntil(
      "both resolvers to transfer the zone at start",
      async () => (transfersOf(unbound).length > 0 && transfersOf(bind).length > 0 ? true : undefined),
      { timeoutMs: 10_000, lastSeen: () => JSON.stringify({ transfers, refusals }) },
    );
  });

  after(async () => {
    await Promise.all([unbound?.stop(), bind?.stop()]);
    await service?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function transfersOf(resolver: ResolverUnderTest): Seen<TransferLog>[] {
    const source = resolver === bind ? bindSource : unboundSource;
    return transfers.filter((transfer) => transfer.remote === source && transfer.kind !== "IXFR-UPTODATE");
  }

  /** An order in force around the real date, so that approvals made now take effect now. */
  async function orderWith(targets: unknown[], overrides: Record<string, unknown> = {}): Promise<string[]> {
    const now = Date.now();
    const validity = {
      from: new Date(now - day).toISOString(),
      until: new Date(now + 30 * day).toISOString(),
    };
    const input = sampleOrder({ targets, validity, ...overrides });
    const { targets: added } = await recordOrder(service.store, input, { actor, now: new Date() });
    return (added?.added ?? []).map((target) => String(target.id));
  }

  function decide(decision: "approve" | "lift", refs: string[]) {
    return decideTargets(service.store, { decision, refs, reason: "test", actor, now: new Date() });
  }

  const nxdomain = (answer: DnsAnswer) => answer.rcode === "NXDOMAIN";
  const resolvesUpstream = (name: string) => (answer: DnsAnswer) =>
    answer.rcode === "NOERROR" && answer.addresses.join() === upstreamAddress(name);

  /** Asks one resolver every 5 ms until `name` answers as expected; returns when (performance.now()). */
  async function answerAt(
    resolver: ResolverUnderTest,
    name: string,
    expected: (answer: DnsAnswer) => boolean,
    what: string,
  ): Promise<number> {
    let last: DnsAnswer | undefined;
    return pollUntil(
      `${resolver.name} to answer ${what} for ${name}`,
      async () => {
        resolver.daemon.assertRunning();
        last = await queryDns(resolver, name, "A", 1000);
        return expected(last) ? performance.now() : undefined;
      },
      { timeoutMs: 5000, intervalMs: 5, lastSeen: () => (last ? describeAnswer(last) : "no answer") },
    );
  }

  /**
   * Makes a registry change and waits until both resolvers answer `name` as expected. Checks that the change
   * reached each resolver as decree's NOTIFY (acknowledged) followed by an IXFR from it, and reports the time
   * from the commit to the resolver's new answer.
   */
  async function changeReaches(
    t: TestContext,
    change: () => Promise<unknown>,
    name: string,
    expected: (answer: DnsAnswer) => boolean,
    what: string,
  ): Promise<void> {
    const released = once(service.publication.scheduler, "release") as Promise<[ReleaseSummary]>;
    await change();
    const committed = performance.now();
    const [release] = await released;
    const releasedAt = performance.now();
    const reached = await Promise.all(
      [unbound, bind].map((resolver) => answerAt(resolver, name, expected, what)),
    );
    // DNS speaks SOA serials; the IXFR starts from the previous release's.
    const previous = await service.store.db
      .selectFrom("releases")
      .select("soa_serial")
      .where("id", "=", release.id - 1)
      .executeTakeFirstOrThrow();
    for (const [index, resolver] of [unbound, bind].entries()) {
      const transfer = await pollUntil(
        `${resolver.name}'s transfer of serial ${release.soaSerial}`,
        async () => transfersOf(resolver).find((candidate) => candidate.serial === release.soaSerial),
      );
      assert.equal(
        transfer.kind,
        "IXFR",
        `${resolver.name} pulled serial ${release.soaSerial} by ${transfer.kind}`,
      );
      assert.equal(transfer.fromSerial, Number(previous.soa_serial));
      assert.ok(transfer.at > committed, "the transfer followed the change");
      const notified = await pollUntil(
        `the NOTIFY of serial ${release.soaSerial} to ${resolver.name}`,
        async () =>
          notifications.find((n) => n.serial === release.soaSerial && n.target.port === resolver.port),
      );
      assert.equal(notified.acknowledged, true, `${resolver.name} answered decree's NOTIFY`);
      t.diagnostic(
        `${resolver.name}: ${what} ${(reached[index]! - committed).toFixed(1)} ms after the commit ` +
          `(release after ${(releasedAt - committed).toFixed(1)} ms, NOTIFY answered in ${notified.ms} ms, ` +
          `IXFR ${transfer.fromSerial} → ${transfer.serial} after ${(transfer.at - committed).toFixed(1)} ms)`,
      );
    }
  }

  function dig(args: string[]) {
    return run("dig", [
      "@127.0.0.1",
      "-p",
      String(service.dns.port),
      "+tries=1",
      "+time=2",
      "+comments",
      ...args,
    ]);
  }

  it("resolves a name that was never listed to the upstream's address at both resolvers", async () => {
    for (const resolver of [unbound, bind]) {
      const answer = await queryDns(resolver, "never-listed-site.com");
      assert.ok(
        resolvesUpstream("never-listed-site.com")(answer),
        `${resolver.name}: ${describeAnswer(answer)}`,
      );
    }
  });

  it("blocks an approved domain and the names below it with NXDOMAIN at both resolvers", async (t) => {
    const ids = await orderWith([{ value: "allostreaming.com", kind: "domain" }]);
    // Proposed is not blocked: the name resolves, and its answer sits in both resolvers' caches.
    for (const resolver of [unbound, bind]) {
      await answerAt(
        resolver,
        "allostreaming.com",
        resolvesUpstream("allostreaming.com"),
        "the upstream's address",
      );
    }
    await changeReaches(t, () => decide("approve", ids), "allostreaming.com", nxdomain, "NXDOMAIN");
    for (const resolver of [unbound, bind]) {
      const below = await queryDns(resolver, "www.allostreaming.com");
      assert.equal(
        below.rcode,
        "NXDOMAIN",
        `${resolver.name}: www.allostreaming.com ${describeAnswer(below)}`,
      );
      const sibling = await queryDns(resolver, "fifostream.tv");
      assert.ok(resolvesUpstream("fifostream.tv")(sibling), `${resolver.name}: ${describeAnswer(sibling)}`);
    }
  });

  it("answers the stop page's address for a name under a stop-page order at both resolvers", async (t) => {
    const ids = await orderWith(["streamfilou.net"], { dnsAction: "stop-page" });
    const isStopPage = (answer: DnsAnswer) =>
      answer.rcode === "NOERROR" && answer.addresses.join() === stopPage;
    await changeReaches(t, () => decide("approve", ids), "streamfilou.net", isStopPage, `A ${stopPage}`);
  });

  it("resolves a name again at both resolvers after its entry is lifted", async (t) => {
    const name = "lifted-films.org";
    const ids = await orderWith([name]);
    await changeReaches(t, () => decide("approve", ids), name, nxdomain, "NXDOMAIN");
    await changeReaches(t, () => decide("lift", ids), name, resolvesUpstream(name), "the upstream's address");
  });

  it("resolves a name again at both resolvers after its order expires", async (t) => {
    const name = "expiring-streams.net";
    const now = Date.now();
    const until = new Date(now + day);
    const ids = await orderWith([name], {
      validity: { from: new Date(now - day).toISOString(), until: until.toISOString() },
    });
    await changeReaches(t, () => decide("approve", ids), name, nxdomain, "NXDOMAIN");
    // The clock as it will run a second after the order's end; other orders run for a month.
    const expire = async () => {
      const changes = await inTransaction(service.store.db, (trx) =>
        applyClock(trx, new Date(until.getTime() + 1000)),
      );
      assert.deepEqual(
        changes.map((change) => [String(change.targetId), change.to]),
        ids.map((id) => [id, "expired"]),
      );
      service.publication.scheduler.poke();
    };
    await changeReaches(t, expire, name, resolvesUpstream(name), "the upstream's address");
  });

  it("lets BIND transfer with its operator's TSIG key and Unbound by its registered address", () => {
    const byBind = transfersOf(bind);
    const byUnbound = transfersOf(unbound);
    // Every transfer each made so far: the initial AXFR, then an IXFR per change made by the tests above.
    assert.ok(byBind.length > 0 && byUnbound.length > 0, JSON.stringify(transfers));
    assert.deepEqual([...new Set(byBind.map((transfer) => transfer.by))], ["key bind-test"]);
    assert.deepEqual([...new Set(byUnbound.map((transfer) => transfer.by))], [`address ${unboundSource}`]);
    assert.deepEqual(
      refusals.filter((refusal) => refusal.remote === bindSource || refusal.remote === unboundSource),
      [],
    );
    // BIND verified decree's signed answers: its log names the key for the latest serial it took.
    const last = Math.max(...byBind.map((transfer) => transfer.serial));
    const keyName = bindKey.name.replaceAll(".", "\\.");
    assert.match(bind.daemon.output(), new RegExp(`transferred serial ${last}: TSIG '${keyName}'`));
  });

  it("refuses a transfer signed with a wrong secret with NOTAUTH and BADSIG", async () => {
    const wrong = randomBytes(32).toString("base64");
    const refused = await dig([
      "-b",
      strangerSource,
      "-y",
      `hmac-sha256:${bindKey.name}:${wrong}`,
      "AXFR",
      zone,
    ]);
    assert.match(refused.stdout, /status: NOTAUTH/);
    assert.match(refused.stdout, /TSIG\s+hmac-sha256\.\s+\d+\s+300\s+0\s+\d+\s+BADSIG/);
    assert.doesNotMatch(refused.stdout, /\sSOA\s/);
    assert.ok(
      refusals.some((refusal) => refusal.remote === strangerSource && /BADSIG/.test(refusal.reason)),
      JSON.stringify(refusals),
    );
    // The right secret, from the same address, transfers the whole zone: SOA first and last.
    const signed = await dig([
      "-b",
      strangerSource,
      "-y",
      `hmac-sha256:${bindKey.name}:${bindKey.secret}`,
      "AXFR",
      zone,
    ]);
    assert.equal(signed.stdout.match(/^rpz\.decree\.\s+\d+\s+IN\s+SOA\s/gm)?.length, 2, signed.stdout);
  });

  it("refuses an unsigned transfer from an address that no rule allows", async () => {
    const before = refusals.length;
    const refused = await dig(["-b", strangerSource, "AXFR", zone]);
    assert.match(refused.stdout, /status: REFUSED/);
    assert.doesNotMatch(refused.stdout, /\sSOA\s/);
    assert.deepEqual(
      refusals.slice(before).map((refusal) => [refusal.remote, refusal.reason]),
      [[strangerSource, "not allowed"]],
    );
    // The same request from the address Unbound's operator registered is served.
    const allowed = await dig(["-b", unboundSource, "AXFR", zone]);
    assert.equal(allowed.stdout.match(/^rpz\.decree\.\s+\d+\s+IN\s+SOA\s/gm)?.length, 2, allowed.stdout);
  });
});

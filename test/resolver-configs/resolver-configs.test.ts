import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it, type TestContext } from "node:test";
import { promisify } from "node:util";
import type { ReleaseSummary } from "../../src/publish/build-release.ts";
import { type DnsAnswer, describeAnswer, queryDns } from "../support/dns-client.ts";
import { pollUntil } from "../support/poll.ts";
import { type Fleet, type FleetMember, startFleet, stopPage } from "../support/resolver-fleet.ts";
import { upstreamAddress } from "../support/upstream.ts";

// Every resolver decree prints a configuration for, each started from the printed text alone (the operator's
// secret, ports and paths substituted): Unbound, BIND, PowerDNS Recursor 4.8, Knot Resolver 5.6 (file fetched
// and verified by the shipped script), and Unbound behind NSD and behind Knot DNS as TSIG secondaries. A second
// instance of each resolver serves an operator whose action is stop-page. Timings are printed, not asserted.

const run = promisify(execFile);
const domains = [
  "ready-check.net",
  "never-listed-site.com",
  "allostreaming.com",
  "lifted-films.org",
  "fifostream.tv",
  "blocked-by-choice.net",
];

describe("each resolver configured from decree's printed text", { timeout: 180_000 }, () => {
  let fleet: Fleet;
  const plain = () => fleet.members.filter((member) => member.action === null);

  before(async () => {
    fleet = await startFleet({ domains, stopPageOperators: true });
    // Every member holds the zone (or its file) before any test changes it: a first entry reaches them all.
    const ids = await fleet.order([{ value: "ready-check.net", kind: "domain" }]);
    await fleet.decide("approve", ids);
    await Promise.all(
      fleet.members.map((member) =>
        answerAt(
          member,
          "ready-check.net",
          (a) => a.rcode !== "NOERROR" || a.addresses[0] === stopPage,
          30_000,
        ),
      ),
    );
  });

  after(async () => {
    await fleet?.close();
  });

  async function answerAt(
    member: FleetMember,
    name: string,
    expected: (answer: DnsAnswer) => boolean,
    timeoutMs = 20_000,
  ): Promise<number> {
    let last: DnsAnswer | undefined;
    return pollUntil(
      `${member.label} to answer as expected for ${name}`,
      async () => {
        member.resolver.daemon.assertRunning();
        last = await queryDns(member.resolver, name, "A", 1000).catch(() => undefined);
        return last && expected(last) ? performance.now() : undefined;
      },
      { timeoutMs, intervalMs: 10, lastSeen: () => (last ? describeAnswer(last) : "no answer") },
    );
  }

  const resolves = (name: string) => (answer: DnsAnswer) =>
    answer.rcode === "NOERROR" && answer.addresses.join() === upstreamAddress(name);
  const blocked = (member: FleetMember) => (answer: DnsAnswer) =>
    member.action === "stop-page"
      ? answer.rcode === "NOERROR" && answer.addresses.at(-1) === stopPage
      : answer.rcode === "NXDOMAIN";

  /** A change, then every member's new answer; the time from the release to each is reported. */
  async function reaches(
    t: TestContext,
    change: () => Promise<unknown>,
    name: string,
    expected: (member: FleetMember) => (answer: DnsAnswer) => boolean,
  ) {
    const released = once(fleet.service.publication.scheduler, "release") as Promise<[ReleaseSummary]>;
    await change();
    const [release] = await released;
    const at = performance.now();
    const times = await Promise.all(fleet.members.map((m) => answerAt(m, name, expected(m))));
    for (const [index, member] of fleet.members.entries()) {
      t.diagnostic(`${member.label}: serial ${release.serial} after ${(times[index]! - at).toFixed(0)} ms`);
    }
  }

  it("resolves a name that was never listed at every resolver", async () => {
    for (const member of fleet.members) {
      const answer = await queryDns(member.resolver, "never-listed-site.com");
      assert.ok(resolves("never-listed-site.com")(answer), `${member.label}: ${describeAnswer(answer)}`);
    }
  });

  it("blocks a name users resolved just before its approval, and its subdomains, at every resolver", async (t) => {
    const name = "allostreaming.com";
    const ids = await fleet.order([{ value: name, kind: "domain" }]);
    // Proposed is not blocked: the name resolves, and its answer (TTL 300) sits in every cache.
    for (const member of fleet.members) await answerAt(member, name, resolves(name));
    for (const member of fleet.members) await answerAt(member, name, resolves(name));
    await reaches(t, () => fleet.decide("approve", ids), name, blocked);
    for (const member of fleet.members) {
      const below = await queryDns(member.resolver, `www.${name}`);
      assert.ok(blocked(member)(below), `${member.label}: www.${name} ${describeAnswer(below)}`);
      const sibling = await queryDns(member.resolver, "fifostream.tv");
      assert.ok(resolves("fifostream.tv")(sibling), `${member.label}: ${describeAnswer(sibling)}`);
    }
  });

  it("resolves a name again at every resolver after its entry is lifted", async (t) => {
    const name = "lifted-films.org";
    const ids = await fleet.order([name]);
    for (const member of fleet.members) await answerAt(member, name, resolves(name));
    await reaches(t, () => fleet.decide("approve", ids), name, blocked);
    await reaches(
      t,
      () => fleet.decide("lift", ids),
      name,
      () => resolves(name),
    );
  });

  it("answers the stop page for every blocked name at the resolvers of a stop-page operator", async () => {
    const stopped = fleet.members.filter((member) => member.action === "stop-page");
    assert.equal(stopped.length, 4);
    for (const member of stopped) {
      const answer = await queryDns(member.resolver, "allostreaming.com");
      assert.equal(answer.addresses.at(-1), stopPage, `${member.label}: ${describeAnswer(answer)}`);
    }
  });

  it("says why with Extended DNS Error 16 (Censored) and the portal where the resolver can", async () => {
    for (const member of plain()) {
      const { stdout } = await run("dig", [
        "@127.0.0.1",
        "-p",
        String(member.resolver.port),
        "+tries=1",
        "+time=2",
        "allostreaming.com",
        "A",
      ]);
      const ede = /; EDE: (\d+) \(([^)]*)\)(?:: \((.*)\))?/.exec(stdout);
      if (member.ede) {
        assert.ok(ede, `${member.label} gave no EDE:\n${stdout}`);
        assert.equal(ede[1], "16");
        assert.match(ede[3] ?? "", /court or regulator order: see http:\/\/127\.0\.0\.1:\d+\//);
      } else {
        // Measured, and said in its printed configuration: no EDE on RPZ answers.
        assert.equal(ede, null, `${member.label}: ${stdout}`);
        assert.match(member.printed, /Extended DNS Errors \(RFC 8914\): (Unbound 1\.17|BIND 9\.18)/);
      }
    }
  });

  it("carries the Extended DNS Error an order chose (15 Blocked) where the resolver can, 16 for the others", async () => {
    const name = "blocked-by-choice.net";
    const ids = await fleet.order([{ value: name, kind: "domain" }], { ede: "blocked" });
    await fleet.decide("approve", ids);
    for (const member of plain().filter((m) => m.kind === "knot-resolver")) {
      // The feed is fetched every few seconds: wait for the block, then for the code the order chose.
      await answerAt(member, name, blocked(member));
      const codeOf = async (asked: string) => {
        const { stdout } = await run("dig", [
          "@127.0.0.1",
          "-p",
          String(member.resolver.port),
          "+tries=1",
          "+time=2",
          asked,
          "A",
        ]);
        return /; EDE: (\d+) /.exec(stdout)?.[1];
      };
      await pollUntil(
        `${member.label} to give EDE 15 for ${name}`,
        async () => ((await codeOf(`www.${name}`)) === "15" ? true : undefined),
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      assert.equal(await codeOf(name), "15");
      assert.equal(await codeOf("allostreaming.com"), "16", "an order that chose nothing keeps 16");
    }
  });

  it("fed the Unbound behind NSD and Knot DNS by transfers from those secondaries", async () => {
    for (const secondary of fleet.secondaries) {
      const { stdout } = await run("dig", [
        "@127.0.0.1",
        "-p",
        String(secondary.port),
        "+tries=1",
        "+time=2",
        "AXFR",
        "rpz.decree",
      ]);
      assert.match(stdout, /^allostreaming\.com\.rpz\.decree\.\s+\d+\s+IN\s+CNAME\s+\.$/m, secondary.name);
    }
  });
});

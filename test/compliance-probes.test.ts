import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createOrganisation } from "../src/accounts/organisations.ts";
import { createUser } from "../src/accounts/users.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { recordOrder } from "../src/intake/record-order.ts";
import { type RunningService, startService } from "../src/main.ts";
import type { ReleaseSummary } from "../src/publish/build-release.ts";
import { addOperator } from "../src/publish/operators.ts";
import { resolverConfig } from "../src/publish/resolver-config.ts";
import { decideTargets } from "../src/registry/decide-targets.ts";
import { addProbeAgent } from "../src/verify/probes/probe-agents.ts";
import type { OperatorProbeCompliance } from "../src/verify/probes/probe-compliance.ts";
import { runProbeAgentRound } from "../src/verify/probes/run-probe-agent.ts";
import { queryDns } from "./support/dns-client.ts";
import { freePort } from "./support/free-port.ts";
import { pollUntil } from "./support/poll.ts";
import { runCli } from "./support/run-cli.ts";
import { sampleOrder } from "./support/sample-order.ts";
import { type ResolverUnderTest, startUnbound } from "./support/unbound.ts";
import { startUpstream, type Upstream, upstreamAddress } from "./support/upstream.ts";

// Three real Unbound instances on loopback stand for three operators: "compliant" is a secondary of decree's
// RPZ zone, NOTIFYed on every release; "non-compliant" never loaded the zone; "stale" transferred the zone once
// at start and is never told of a release again (its SOA refresh is minutes away), so it misses new names and
// keeps lifted ones. The upstream authoritative server stands for the internet and is the unfiltered reference.

const actor = "test:probes";
const zone = "rpz.decree";
const day = 86_400_000;
const blockedFromStart = "streaming-films.com";
const liftedLater = "lifted-stream.net";
const addedLater = "new-mirror-site.org";
const control = "control-news.org";
const domains = [blockedFromStart, liftedLater, addedLater, control];

describe("measured compliance: probes of three Unbound operators", { timeout: 90_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-probes-"));
  let service: RunningService;
  let upstream: Upstream;
  const resolvers: Record<string, ResolverUnderTest> = {};
  let targetIds: Record<string, string>;
  let cliEnv: Record<string, string>;

  before(async () => {
    upstream = await startUpstream(domains);
    const config = {
      ...loadConfig({ data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0" }, {}),
      transferAllow: [],
    };
    service = await startService(config, { clockIntervalMs: 100 });
    cliEnv = { DECREE_DATA: dataDir, DECREE_ACTOR: actor };

    const now = new Date();
    const ports = {
      compliant: await freePort(),
      stale: await freePort(),
      "non-compliant": await freePort(),
    };
    const compliant = await addOperator(
      service.store.db,
      { name: "compliant", notify: [`127.0.0.1:${ports.compliant}`], allow: ["127.0.0.1"], tsig: false },
      { actor, now },
    );
    const stale = await addOperator(
      service.store.db,
      { name: "stale", allow: ["127.0.0.1"], tsig: false },
      { actor, now },
    );
    await addOperator(service.store.db, { name: "non-compliant", tsig: false }, { actor, now });

    // The first release: one name blocked for good, one to be lifted later.
    const released = once(service.publication.scheduler, "release") as Promise<[ReleaseSummary]>;
    targetIds = await approve([blockedFromStart, liftedLater]);
    await released;

    const primary = { zone, ...service.dns, httpBase: `http://127.0.0.1:${service.http.port}` };
    const started = await Promise.allSettled([
      startUnbound({
        port: ports.compliant,
        rpz: resolverConfig("unbound", compliant.operator, primary),
        upstream,
      }),
      startUnbound({ port: ports.stale, rpz: resolverConfig("unbound", stale.operator, primary), upstream }),
      // Resolves through the upstream like the others (Unbound skips 127.0.0.1 servers unless told), no RPZ.
      startUnbound({
        port: ports["non-compliant"],
        rpz: "server:\n    do-not-query-localhost: no",
        upstream,
      }),
    ]);
    for (const [index, name] of ["compliant", "stale", "non-compliant"].entries()) {
      const result = started[index]!;
      if (result.status === "fulfilled") resolvers[name] = result.value;
    }
    for (const result of started) if (result.status === "rejected") throw result.reason;
    for (const name of ["compliant", "stale"]) {
      await pollUntil(
        `${name} to hold the zone`,
        async () =>
          (await queryDns(resolvers[name]!, blockedFromStart)).rcode === "NXDOMAIN" ? true : undefined,
        { timeoutMs: 10_000, intervalMs: 20 },
      );
    }
    for (const name of ["compliant", "stale", "non-compliant"]) {
      const added = await runCli(
        ["operators", "resolver", "add", name, `127.0.0.1:${ports[name as keyof typeof ports]}`],
        cliEnv,
      );
      assert.equal(added.code, 0, added.stderr);
    }
  });

  after(async () => {
    await Promise.all(Object.values(resolvers).map((resolver) => resolver.stop()));
    await service?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function approve(names: string[]): Promise<Record<string, string>> {
    const validity = {
      from: new Date(Date.now() - day).toISOString(),
      until: new Date(Date.now() + 30 * day).toISOString(),
    };
    const { targets } = await recordOrder(service.store, sampleOrder({ targets: names, validity }), {
      actor,
      now: new Date(),
    });
    const refs = (targets?.added ?? []).map((target) => String(target.id));
    await decideTargets(service.store, {
      decision: "approve",
      refs,
      reason: "ordered",
      actor,
      now: new Date(),
    });
    return Object.fromEntries(names.map((name, index) => [name, refs[index]!]));
  }

  async function sweep(): Promise<OperatorProbeCompliance[]> {
    const result = await runCli(
      ["probe", "run", "--json", "--reference", `127.0.0.1:${upstream.port}`, "--control", control],
      cliEnv,
    );
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { operators: OperatorProbeCompliance[] }).operators;
  }

  const of = (operators: OperatorProbeCompliance[], name: string) =>
    operators.find((o) => o.operator === name)!;

  it("measures time to enforce a release's new name at the compliant operator, and keeps it open elsewhere", async () => {
    const released = once(service.publication.scheduler, "release") as Promise<[ReleaseSummary]>;
    await approve([addedLater]);
    await decideTargets(service.store, {
      decision: "lift",
      refs: [targetIds[liftedLater]!],
      reason: "appeal upheld",
      actor,
      now: new Date(),
    });
    await released;
    // The service's probe job follows the release's names at every operator until enforced.
    const row = await pollUntil(
      "the compliant operator's time to enforce",
      async () =>
        service.store.db
          .selectFrom("enforcements")
          .innerJoin("operators", "operators.id", "enforcements.operator_id")
          .select(["enforcements.time_to_enforce_ms", "enforcements.name"])
          .where("operators.name", "=", "compliant")
          .where("enforcements.enforced_at", "is not", null)
          .executeTakeFirst(),
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    assert.equal(row.name, addedLater);
    assert.ok(Number(row.time_to_enforce_ms) >= 0 && Number(row.time_to_enforce_ms) < 15_000);
    // Meanwhile the stale and the non-compliant resolvers still answer the new name normally.
    for (const name of ["stale", "non-compliant"]) {
      const answer = await queryDns(resolvers[name]!, addedLater);
      assert.deepEqual(answer.addresses, [upstreamAddress(addedLater)], name);
    }
  });

  it("classifies the compliant, the non-compliant and the stale operator correctly in one sweep", async () => {
    // The lift has reached the compliant resolver (NOTIFY, IXFR): it resolves the lifted name again.
    await pollUntil(
      "the compliant resolver to apply the lift",
      async () =>
        (await queryDns(resolvers.compliant!, liftedLater)).rcode === "NOERROR" ? true : undefined,
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    const operators = await sweep();

    const compliant = of(operators, "compliant");
    assert.deepEqual(compliant.counts, { enforced: 2, notEnforced: 2, overBlocked: 0, error: 0 });
    assert.equal(compliant.shareEnforced, 1);
    assert.deepEqual(compliant.missedNames, []);
    assert.deepEqual(compliant.overBlockedNames, []);
    assert.equal(compliant.timeToEnforce.count, 1);
    assert.equal(compliant.timeToEnforce.pending, 0);
    assert.ok(compliant.timeToEnforce.p50Ms !== null && compliant.timeToEnforce.p50Ms >= 0);

    const nonCompliant = of(operators, "non-compliant");
    assert.equal(nonCompliant.shareEnforced, 0);
    assert.deepEqual(nonCompliant.missedNames, [addedLater, blockedFromStart]);
    assert.deepEqual(nonCompliant.overBlockedNames, []);
    assert.equal(nonCompliant.counts.enforced, 0);
    assert.equal(nonCompliant.timeToEnforce.count, 0);
    assert.equal(nonCompliant.timeToEnforce.pending, 1);

    const stale = of(operators, "stale");
    assert.equal(stale.shareEnforced, 0.5);
    assert.deepEqual(stale.missedNames, [addedLater]);
    assert.deepEqual(stale.overBlockedNames, [liftedLater]);
    assert.deepEqual(stale.counts, { enforced: 1, notEnforced: 2, overBlocked: 1, error: 0 });
    assert.equal(stale.timeToEnforce.count, 0);
    assert.equal(stale.timeToEnforce.pending, 1);
  });

  it("serves the same roll-up over HTTP and every measurement with its raw answer as CSV", async () => {
    const base = `http://127.0.0.1:${service.http.port}`;
    const rollup = (await (await fetch(`${base}/compliance/probes?operator=stale`)).json()) as {
      operators: OperatorProbeCompliance[];
    };
    assert.deepEqual(
      rollup.operators.map((o) => [o.operator, o.overBlockedNames]),
      [["stale", [liftedLater]]],
    );
    const listed = (await (await fetch(`${base}/compliance/measurements?operator=stale`)).json()) as {
      measurements: Array<{ name: string; verdict: string; raw: string | null; source: string }>;
    };
    const overBlocked = listed.measurements.filter((m) => m.verdict === "over-blocked");
    assert.ok(overBlocked.length >= 1);
    assert.ok(overBlocked.every((m) => m.name === liftedLater && m.source === "registry" && m.raw));
    const csv = await runCli(["probe", "report", "--csv", "--operator", "stale"], cliEnv);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split("\r\n");
    assert.match(lines[0]!, /^id,at,source,operator,resolver,name,qtype,expectation,verdict,/);
    assert.ok(lines.some((line) => line.includes(`,${liftedLater},A,lifted,over-blocked,`)));
  });

  it("takes an agent's signed measurements and shows where they came from; refuses a forged batch", async () => {
    const organisation = await createOrganisation(
      service.store.db,
      { name: "Non-compliant ISP" },
      { actor, now: new Date() },
    );
    const user = await createUser(
      service.store.db,
      { organisationId: organisation.id, email: "noc@isp.test", role: "operator" },
      { actor, now: new Date() },
    );
    const { token } = await addProbeAgent(
      service.store.db,
      { name: "isp-agent-1", operator: "non-compliant", user: user.email },
      { actor, now: new Date() },
    );
    const registry = `http://127.0.0.1:${service.http.port}`;
    const keyFile = join(dataDir, "agent.pem");
    const round = await runProbeAgentRound({ registry, token, keyFile });
    assert.equal(round.operator, "non-compliant");
    assert.ok(round.measurements >= 3);
    const listed = (await (
      await fetch(`${registry}/compliance/measurements?operator=non-compliant`)
    ).json()) as {
      measurements: Array<{ name: string; verdict: string; source: string }>;
    };
    const fromAgent = listed.measurements.filter((m) => m.source === "agent:isp-agent-1");
    assert.ok(fromAgent.some((m) => m.name === blockedFromStart && m.verdict === "not-enforced"));

    const forged = await fetch(`${registry}/probe/measurements`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        payload: JSON.stringify({
          agent: "isp-agent-1",
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
          measurements: [],
        }),
        signature: Buffer.alloc(64).toString("base64"),
      }),
    });
    assert.equal(forged.status, 422);
    assert.equal(((await forged.json()) as { code: string }).code, "PROBE_SIGNATURE_INVALID");
  });
});

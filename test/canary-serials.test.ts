import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rekeyOperator } from "../src/publish/rekey-operator.ts";
import { acknowledgeRelease } from "../src/verify/acknowledge-release.ts";
import { listAcknowledgments } from "../src/verify/list-acknowledgments.ts";
import { readCanary } from "../src/verify/probes/canary-serials.ts";
import { DnsProber } from "../src/verify/probes/dns-prober.ts";
import { followReleases } from "../src/verify/probes/follow-releases.ts";
import { probeCompliance } from "../src/verify/probes/probe-compliance.ts";
import { addResolver } from "../src/verify/probes/resolvers.ts";
import { runProbeSweep } from "../src/verify/probes/run-probe-sweep.ts";
import { pollUntil } from "./support/poll.ts";
import { type Fleet, type FleetMember, startFleet } from "./support/resolver-fleet.ts";

// Unbound, BIND, PowerDNS Recursor and Knot Resolver, each started from the configuration decree prints, as RPZ
// consumers of one decree service on loopback (test/support/resolver-fleet.ts). Each release's canary, an RPZ
// local-data TXT at `serial.check.decree`, is asked through every resolver.

const canaryName = "serial.check.decree";
const domains = ["canary-first.com", "canary-second.com", "canary-lifted.com"];
const actor = "test:canary";

describe("canary serials measured through real resolvers", { timeout: 120_000 }, () => {
  let fleet: Fleet;
  let members: FleetMember[];
  let prober: DnsProber;
  const probes = { stopPage: ["192.0.2.80"], timeoutMs: 1000, retries: 1 };

  before(async () => {
    fleet = await startFleet({ domains });
    members = fleet.members.filter((member) =>
      ["unbound", "bind", "powerdns", "knot-resolver"].includes(member.kind),
    );
    prober = new DnsProber({ timeoutMs: 1000, retries: 1 });
    for (const member of members) {
      await addResolver(
        fleet.service.store.db,
        { operator: operatorOf(member), address: `127.0.0.1:${member.resolver.port}` },
        { actor, now: new Date() },
      );
    }
    // The first follow starts the cursors: what was released before probing began has no time to measure.
    await followReleases(fleet.service.store, { ...probes, prober, now: new Date() });
  });

  after(async () => {
    prober?.close();
    await fleet?.close();
  });

  // The members start side by side and join the fleet in the order they come up, not in the plan's.
  function operatorOf(member: FleetMember): string {
    return member.operator;
  }

  async function canaryAt(member: FleetMember): Promise<number | null> {
    const outcome = await prober.ask(
      { host: "127.0.0.1", port: member.resolver.port, transport: "udp" },
      canaryName,
      "TXT",
    );
    return readCanary(outcome).serial;
  }

  async function latestSerial(): Promise<number> {
    const row = await fleet.service.store.db
      .selectFrom("releases")
      .select("serial")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    return Number(row.serial);
  }

  async function release(decision: "approve" | "lift", refs: string[]): Promise<number> {
    const before = await latestSerial().catch(() => 0);
    await fleet.decide(decision, refs);
    return pollUntil("the release", async () => {
      const serial = await latestSerial();
      return serial > before ? serial : undefined;
    });
  }

  async function compliance(member: FleetMember) {
    const [operator] = await probeCompliance(fleet.service.store.db, operatorOf(member));
    return operator!;
  }

  it("answers the current release's serial at each resolver's canary name", async (t) => {
    const ids = await fleet.order([{ value: domains[0]!, kind: "domain" }]);
    const serial = await release("approve", ids);
    const unsupported: string[] = [];
    for (const member of members) {
      const shown = await pollUntil(
        `${member.label} to answer serial ${serial} at ${canaryName}`,
        async () => ((await canaryAt(member)) === serial ? serial : undefined),
        { timeoutMs: 20_000, intervalMs: 100 },
      ).catch(() => undefined);
      if (shown === undefined) unsupported.push(member.label);
    }
    t.diagnostic(`no canary from: ${unsupported.join(", ") || "none"}`);
    assert.deepEqual(unsupported, []);
    await runProbeSweep(fleet.service.store, { ...probes, prober });
    for (const member of members) {
      const measured = await compliance(member);
      assert.equal(measured.canaries.length, 1, member.label);
      assert.equal(
        measured.canaries[0]!.appliedSerial,
        serial,
        `${member.label}: ${JSON.stringify(measured.canaries)}`,
      );
      assert.equal(measured.canaries[0]!.releasesBehind, 0, member.label);
    }
  });

  it("reports a resolver whose transfers stopped as behind, with its lag, and flags its operator's false ack", async (t) => {
    const bind = members.find((member) => member.kind === "bind")!;
    const unbound = members.find((member) => member.kind === "unbound")!;
    const held = await canaryAt(bind);
    // BIND still signs with the old key: decree refuses its transfers from now on.
    await rekeyOperator(fleet.service.store.db, operatorOf(bind), { actor, now: new Date(), graceMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const ids = await fleet.order([{ value: domains[1]!, kind: "domain" }]);
    const serial = await release("approve", ids);
    await pollUntil("Unbound to apply the new release", async () =>
      (await canaryAt(unbound)) === serial ? true : undefined,
    );
    // The follow-up after the release asks every resolver's canary.
    await pollUntil("the follow-up to see Unbound apply it", async () => {
      await followReleases(fleet.service.store, { ...probes, prober, now: new Date(), minIntervalMs: 0 });
      return (await compliance(unbound)).canaries[0]!.appliedSerial === serial ? true : undefined;
    });
    assert.equal(await canaryAt(bind), held, "BIND kept the release it had");
    const organisation = await fleet.service.store.db
      .selectFrom("organisations")
      .select("id")
      .where("name", "=", operatorOf(bind))
      .executeTakeFirstOrThrow();
    // BIND's operator says it applied the release its resolver does not show.
    await acknowledgeRelease(fleet.service.store, serial, {
      organisationId: Number(organisation.id),
      actor,
      now: new Date(),
    });
    await runProbeSweep(fleet.service.store, { ...probes, prober });
    const measured = await compliance(bind);
    const canary = measured.canaries[0]!;
    t.diagnostic(`BIND: ${JSON.stringify(canary)}`);
    assert.equal(canary.appliedSerial, held);
    assert.equal(canary.releasesBehind, serial - held!);
    assert.ok((canary.lagMs ?? 0) > 0, "lag from the release it lacks");
    assert.equal(measured.contradictedAcks, 1);
    const acks = await listAcknowledgments(fleet.service.store.db, {
      organisationId: Number(organisation.id),
    });
    const flagged = acks.acknowledgments.find((ack) => ack.serial === serial)!;
    assert.equal(flagged.contradictions.length, 1);
    assert.equal(flagged.contradictions[0]!.code, "ACK_SERIAL_NOT_APPLIED");
    assert.equal(flagged.contradictions[0]!.observedSerial, held);
    const event = await fleet.service.store.db
      .selectFrom("events")
      .select("data")
      .where("action", "=", "release.ack-contradicted")
      .executeTakeFirstOrThrow();
    assert.match(event.data, /ACK_SERIAL_NOT_APPLIED/);
    // The resolvers that applied it: time to apply measured, no contradiction.
    const current = await compliance(unbound);
    assert.ok(current.timeToApply.count >= 1, JSON.stringify(current.timeToApply));
    assert.equal(current.contradictedAcks, 0);
  });

  it("measures the time to lift: from the lift's release to the first probe that sees the name resolve", async (t) => {
    const unbound = members.find((member) => member.kind === "unbound")!;
    const name = domains[2]!;
    const ids = await fleet.order([{ value: name, kind: "domain" }]);
    await release("approve", ids);
    await release("lift", ids);
    const measured = await pollUntil("Unbound's time to lift", async () => {
      await followReleases(fleet.service.store, { ...probes, prober, now: new Date(), minIntervalMs: 0 });
      const operator = await compliance(unbound);
      return operator.timeToLift.count > 0 ? operator : undefined;
    });
    t.diagnostic(
      `Unbound time to lift ${JSON.stringify(measured.timeToLift)}, to enforce ${JSON.stringify(measured.timeToEnforce)}`,
    );
    assert.ok(measured.timeToLift.p50Ms !== null && measured.timeToLift.p50Ms < 30_000);
    const cause = await fleet.service.store.db
      .selectFrom("lifts")
      .select("cause")
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    assert.equal(cause.cause, "lift");
  });
});

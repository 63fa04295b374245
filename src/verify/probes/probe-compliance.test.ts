import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachEngine } from "../../../test/support/each-engine.ts";
import { approveTargets, publish } from "../../../test/support/published-zone.ts";
import { duringOrder } from "../../../test/support/sample-order.ts";
import { addOperator } from "../../publish/operators.ts";
import type { Expectation, Verdict } from "./classify-answer.ts";
import { DnsAnswer } from "./dns-answer.ts";
import { closeEnforcements, dueEnforcements, openEnforcements } from "./enforcements.ts";
import type { JudgedQuestion } from "./judge-measurements.ts";
import { listMeasurements, measurementsCsv } from "./list-measurements.ts";
import { probeCompliance } from "./probe-compliance.ts";
import { recordProbeRun } from "./record-probe-run.ts";
import { addResolver, type RegisteredResolver } from "./resolvers.ts";

const context = { actor: "test", now: duringOrder };
const at = (ms: number) => new Date(duringOrder.getTime() + ms).toISOString();

function question(
  resolver: RegisteredResolver,
  name: string,
  expectation: Expectation,
  verdict: Verdict,
  rcode: string,
  when: string,
): JudgedQuestion<RegisteredResolver> {
  return {
    resolver,
    item: { name, qtype: "A", expectation, targetId: null },
    outcome: { answer: new DnsAnswer(Buffer.alloc(12), rcode, false, [], 3), attempts: 1 },
    phase: "main",
    at: when,
    classification: { verdict, detail: null },
    reference: undefined,
  };
}

describeEachEngine("stored measurements, time to enforce and the roll-up per operator", (store) => {
  it("registers a resolver once, refusing a duplicate or a malformed address without writing anything", async () => {
    // With a TSIG key: addOperator without one queries PostgreSQL with a NUL character (reported separately).
    await addOperator(store().db, { name: "Orange" }, context);
    const resolver = await addResolver(store().db, { operator: "Orange", address: "192.0.2.53:53" }, context);
    assert.deepEqual([resolver.host, resolver.port, resolver.transport], ["192.0.2.53", 53, "udp"]);
    await assert.rejects(addResolver(store().db, { operator: "Orange", address: "192.0.2.53" }, context), {
      code: "RESOLVER_DUPLICATE",
    });
    await assert.rejects(
      addResolver(store().db, { operator: "Orange", address: "dns.example:53" }, context),
      {
        code: "RESOLVER_INVALID",
      },
    );
    await assert.rejects(
      addResolver(store().db, { operator: "Orange", address: "192.0.2.53", transport: "https" }, context),
      { code: "RESOLVER_INVALID" },
    );
    const tls = await addResolver(
      store().db,
      { operator: "Orange", address: "192.0.2.53", transport: "tls" },
      context,
    );
    assert.equal(tls.port, 853);
    const rows = await store().db.selectFrom("resolvers").select("id").execute();
    assert.equal(rows.length, 2);
  });

  it("measures time to enforce from the release to the first measurement that sees the name blocked", async () => {
    // Probing starts now: releases from before are not followed.
    assert.equal(await openEnforcements(store().db), 0);
    await approveTargets(store(), ["film-site.com"]);
    await publish(store());
    assert.equal(await openEnforcements(store().db), 1);
    assert.equal(await openEnforcements(store().db), 0);
    const due = await dueEnforcements(store().db, {
      now: new Date(duringOrder.getTime() + 10),
      minIntervalMs: 0,
      horizonMs: 86_400_000,
      limit: 10,
    });
    assert.deepEqual(
      due.map((row) => [row.name, row.lastProbedAt]),
      [["film-site.com", null]],
    );
    const [udp, tls] = await store().db.selectFrom("resolvers").select("id").orderBy("id").execute();
    const resolverOf = (row: { id: number } | undefined, transport: "udp" | "tls"): RegisteredResolver => ({
      id: Number(row!.id),
      operatorId: 1,
      operator: "Orange",
      host: "192.0.2.53",
      port: transport === "udp" ? 53 : 853,
      transport,
      createdAt: duringOrder.toISOString(),
    });
    // One resolver blocks at +800 ms but the other does not yet: not enforced by the operator.
    const first = [
      question(resolverOf(udp, "udp"), "film-site.com", "blocked", "enforced", "NXDOMAIN", at(800)),
      question(resolverOf(tls, "tls"), "film-site.com", "blocked", "not-enforced", "NOERROR", at(800)),
    ];
    await recordProbeRun(
      store().db,
      { kind: "release", source: "registry", startedAt: at(800), finishedAt: at(800) },
      first,
    );
    assert.equal(await closeEnforcements(store().db, first), 0);
    const second = [
      question(resolverOf(udp, "udp"), "film-site.com", "blocked", "enforced", "NXDOMAIN", at(1500)),
      question(resolverOf(tls, "tls"), "film-site.com", "blocked", "enforced", "NXDOMAIN", at(1500)),
      question(resolverOf(udp, "udp"), "lifted-site.com", "lifted", "over-blocked", "NXDOMAIN", at(1500)),
      question(resolverOf(udp, "udp"), "control-site.com", "control", "error", "SERVFAIL", at(1500)),
    ];
    await recordProbeRun(
      store().db,
      { kind: "sweep", source: "registry", startedAt: at(1500), finishedAt: at(1500) },
      second,
    );
    assert.equal(await closeEnforcements(store().db, second), 1);

    const [orange] = await probeCompliance(store().db, "Orange");
    assert.deepEqual(orange!.counts, { enforced: 2, notEnforced: 0, overBlocked: 1, error: 1 });
    assert.equal(orange!.shareEnforced, 1);
    assert.deepEqual(orange!.overBlockedNames, ["lifted-site.com"]);
    assert.deepEqual(orange!.timeToEnforce, { p50Ms: 1500, p95Ms: 1500, maxMs: 1500, count: 1, pending: 0 });
    assert.equal(orange!.lastMeasuredAt, at(1500));
  });

  it("lists the measurements by time and writes them as CSV with their raw answers", async () => {
    const since = await listMeasurements(store().db, { operator: "Orange", since: at(1000) });
    assert.equal(since.length, 4);
    assert.ok(since.every((m) => m.raw === Buffer.alloc(12).toString("base64") && m.source === "registry"));
    let csv = "";
    for await (const chunk of measurementsCsv(store().db, {})) csv += chunk;
    const lines = csv.trim().split("\r\n");
    assert.equal(lines.length, 7);
    assert.ok(lines.some((line) => line.includes(",lifted-site.com,A,lifted,over-blocked,,NXDOMAIN,")));
  });
});

import type { Kysely } from "kysely";
import { createOrganisation } from "../../src/accounts/organisations.ts";
import { loadDemo } from "../../src/demo/load-demo.ts";
import { buildRelease } from "../../src/publish/build-release.ts";
import { addOperator } from "../../src/publish/operators.ts";
import { defaultRpzPolicy } from "../../src/publish/rpz-policy.ts";
import type { Database, Store } from "../../src/store/database.ts";
import { acknowledgeRelease } from "../../src/verify/acknowledge-release.ts";
import { addResolver } from "../../src/verify/probes/resolvers.ts";

export const scorecardNow = new Date("2026-11-28T12:00:00Z");

/**
 * The demo order, an operator "Measured" whose resolver was probed on two days, and an operator "Unmeasured"
 * nobody probed. Day one: two of three blocked names enforced, a control name blocked, one probe failed; day
 * two: the missed name enforced. Two names were timed enforcing, in 1 s and 3 s; "Measured" acknowledged the
 * only release.
 */
export async function scorecardFixture(store: Store, options: { sweptAt?: string } = {}): Promise<void> {
  const db = store.db;
  const context = { actor: "test", now: scorecardNow };
  await loadDemo(store, scorecardNow);
  // Before any resolver: a running service then finds a sweep as recent as `sweptAt` and probes nothing itself.
  const run = await db
    .insertInto("probe_runs")
    .values({
      kind: "sweep",
      source: "registry",
      release_id: null,
      reference: "127.0.0.1:5300",
      started_at: options.sweptAt ?? "2026-11-01T10:00:00.000Z",
      finished_at: "2026-11-02T10:00:00.000Z",
      queries: 6,
      signed_payload: null,
      signature: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await addOperator(db, { name: "Measured", allow: ["127.0.0.1"] }, context);
  await addOperator(db, { name: "Unmeasured", allow: ["127.0.0.2"] }, context);
  await addResolver(db, { operator: "Measured", address: "127.0.0.1:5301" }, context);
  // A running service's scheduler may have built the release first.
  await buildRelease(db, store.dialect, defaultRpzPolicy, scorecardNow);
  const latest = await db
    .selectFrom("releases")
    .select(["id", "serial"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirstOrThrow();
  const release = { id: Number(latest.id), serial: Number(latest.serial) };
  const organisation = await createOrganisation(db, { name: "Measured" }, context);
  await acknowledgeRelease(store, release.serial, { organisationId: organisation.id, ...context });
  const operator = await db
    .selectFrom("operators")
    .select("id")
    .where("name", "=", "Measured")
    .executeTakeFirstOrThrow();
  const resolver = await db.selectFrom("resolvers").select("id").executeTakeFirstOrThrow();
  const target = async (value: string) =>
    Number(
      (await db.selectFrom("targets").select("id").where("value", "=", value).executeTakeFirstOrThrow()).id,
    );
  const measure = async (
    name: string,
    verdict: Database["measurements"]["verdict"],
    at: string,
    expectation: Database["measurements"]["expectation"] = "blocked",
  ) =>
    db
      .insertInto("measurements")
      .values({
        run_id: Number(run.id),
        operator_id: Number(operator.id),
        resolver_id: Number(resolver.id),
        name,
        qtype: "A",
        expectation,
        target_id: expectation === "control" ? null : await target(name),
        verdict,
        detail: null,
        rcode: verdict === "error" ? null : "NOERROR",
        answers: "[]",
        raw: null,
        reference_answers: null,
        attempts: 1,
        rtt_ms: 3,
        at,
        source: "registry",
      })
      .execute();
  const dayOne = "2026-11-01T10:00:00.000Z";
  await measure("dpstream.tv", "enforced", dayOne);
  await measure("fifostream.tv", "not-enforced", dayOne);
  await measure("fifostream.com", "enforced", dayOne);
  await measure("control-news.org", "over-blocked", dayOne, "control");
  await measure("fifostream.net", "error", dayOne);
  await measure("fifostream.tv", "enforced", "2026-11-02T10:00:00.000Z");
  for (const [name, ms] of [
    ["dpstream.tv", 1000],
    ["fifostream.com", 3000],
  ] as const) {
    await timedEnforcement(db, Number(operator.id), release.id, release.serial, name, ms);
  }
}

async function timedEnforcement(
  db: Kysely<Database>,
  operatorId: number,
  releaseId: number,
  serial: number,
  name: string,
  ms: number,
) {
  await db
    .insertInto("enforcements")
    .values({
      operator_id: operatorId,
      release_id: releaseId,
      serial,
      name,
      released_at: "2026-11-01T09:00:00.000Z",
      enforced_at: new Date(Date.parse("2026-11-01T09:00:00.000Z") + ms).toISOString(),
      time_to_enforce_ms: ms,
      last_probed_at: null,
    })
    .execute();
}

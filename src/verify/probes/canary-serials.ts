import type { Kysely } from "kysely";
import { canaryRtype, parseCanaryText } from "../../publish/canary-record.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { addresseeKey } from "../addressee-organisations.ts";
import { mapLimited } from "../map-limited.ts";
import type { DnsProber, ProbeOutcome } from "./dns-prober.ts";
import { percentile } from "./percentile.ts";
import type { RegisteredResolver } from "./resolvers.ts";

/**
 * The canary measured: each resolver is asked the TXT of the zone's canary name (publish/canary-record.ts), and
 * its answer says which release it applied. From the answers: how far behind the current release each resolver
 * is, the time from each release to its being seen applied (the measured counterpart of the time to ack), and
 * acknowledgments that a resolver contradicts.
 */

/** The stable code of an acknowledgment a resolver contradicts, on its event and wherever acks are listed. */
export const contradictedAckCode = "ACK_SERIAL_NOT_APPLIED";

/** What one resolver answered for the canary name. */
export interface CanaryObservation {
  resolver: RegisteredResolver;
  name: string;
  outcome: ProbeOutcome;
  at: string;
}

/** A canary answer as stored: the serial and digest it names, if any. */
export interface CanaryReading {
  rcode: string | null;
  text: string | null;
  serial: number | null;
  digest: string | null;
  failure: string | null;
}

/** The canary's name now: the owner of the zone's one TXT record; undefined when the zone carries none. */
export async function currentCanaryName(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom("zone_records")
    .select("owner")
    .where("rtype", "=", canaryRtype)
    .limit(1)
    .executeTakeFirst();
  return row?.owner;
}

/** Asks each resolver the canary's TXT, side by side. */
export async function askCanaries(
  resolvers: readonly RegisteredResolver[],
  name: string,
  options: { prober: DnsProber; concurrency?: number | undefined; now?: () => Date },
): Promise<CanaryObservation[]> {
  const now = options.now ?? (() => new Date());
  return mapLimited(resolvers, options.concurrency ?? 64, async (resolver) => {
    const outcome = await options.prober.ask(resolver, name, "TXT");
    return { resolver, name, outcome, at: now().toISOString() };
  });
}

/** The serial an answer names: the first TXT of the answer that reads as a canary. */
export function readCanary(outcome: ProbeOutcome): CanaryReading {
  const answer = outcome.answer;
  if (!answer) {
    return { rcode: null, text: null, serial: null, digest: null, failure: outcome.failure ?? "no answer" };
  }
  const texts = answer.texts;
  for (const text of texts) {
    const canary = parseCanaryText(text);
    if (canary)
      return { rcode: answer.rcode, text, serial: canary.serial, digest: canary.digest, failure: null };
  }
  return { rcode: answer.rcode, text: texts[0] ?? null, serial: null, digest: null, failure: null };
}

/**
 * Stores what resolvers answered, in one transaction, and draws what follows from it:
 * - each release between the one a resolver was last seen at and the one it shows now is applied at this
 *   answer's time (the first observation that shows it; an upper bound, as time to enforce is). A resolver's
 *   first answer is its starting point: releases before probing began have no time to apply to measure;
 * - an acknowledgment of a later release than a resolver of the operator shows, made before the answer, is
 *   contradicted: recorded once per acknowledgment and resolver, with an event carrying the stable code.
 */
export async function recordCanaryObservations(
  db: Kysely<Database>,
  observations: readonly CanaryObservation[],
  source: string,
): Promise<{ applied: number; contradicted: number }> {
  if (observations.length === 0) return { applied: 0, contradicted: 0 };
  return inTransaction(db, async (trx) => {
    let applied = 0;
    let contradicted = 0;
    for (const observation of observations) {
      const reading = readCanary(observation.outcome);
      const { resolver } = observation;
      const previous = await trx
        .selectFrom("canary_observations")
        .select("serial")
        .where("resolver_id", "=", resolver.id)
        .where("serial", "is not", null)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      await trx
        .insertInto("canary_observations")
        .values({
          operator_id: resolver.operatorId,
          resolver_id: resolver.id,
          name: observation.name,
          rcode: reading.rcode,
          text: reading.text,
          serial: reading.serial,
          digest: reading.digest,
          failure: reading.failure,
          at: observation.at,
          source,
        })
        .execute();
      if (reading.serial === null) continue;
      const shown = await releaseOfSerial(trx, reading.serial);
      if (shown === undefined) continue;
      const lastApplied = await trx
        .selectFrom("canary_applications")
        .select((eb) => eb.fn.max("release_id").as("id"))
        .where("resolver_id", "=", resolver.id)
        .executeTakeFirst();
      const since =
        lastApplied?.id != null
          ? Number(lastApplied.id)
          : previous?.serial != null
            ? await releaseOfSerial(trx, Number(previous.serial))
            : undefined;
      if (since !== undefined && shown > since) {
        const releases = await trx
          .selectFrom("releases")
          .select(["id", "created_at"])
          .where("id", ">", since)
          .where("id", "<=", shown)
          .where("created_at", "<=", observation.at)
          .execute();
        for (const release of releases) {
          const inserted = await trx
            .insertInto("canary_applications")
            .values({
              operator_id: resolver.operatorId,
              resolver_id: resolver.id,
              release_id: Number(release.id),
              released_at: release.created_at,
              applied_at: observation.at,
              time_to_apply_ms: Math.max(0, Date.parse(observation.at) - Date.parse(release.created_at)),
            })
            .onConflict((oc) => oc.columns(["resolver_id", "release_id"]).doNothing())
            .executeTakeFirst();
          applied += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
        }
      }
      contradicted += await flagContradictedAcks(trx, observation, shown, reading.serial);
    }
    return { applied, contradicted };
  });
}

/** The release a serial names: serials are release numbers modulo 2^32, so the newest with that serial. */
async function releaseOfSerial(db: Kysely<Database>, serial: number): Promise<number | undefined> {
  const row = await db
    .selectFrom("releases")
    .select("id")
    .where("serial", "=", serial)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.id);
}

async function flagContradictedAcks(
  trx: Kysely<Database>,
  observation: CanaryObservation,
  shownReleaseId: number,
  shownSerial: number,
): Promise<number> {
  const organisations = (await trx.selectFrom("organisations").select(["id", "name"]).execute()).filter(
    (row) => addresseeKey(row.name) === addresseeKey(observation.resolver.operator),
  );
  if (organisations.length === 0) return 0;
  // An ack says "applied N" at its time: a resolver showing less afterwards did not apply it then.
  const acks = await trx
    .selectFrom("acknowledgments")
    .select(["id", "release_id", "serial", "organisation_id"])
    .where(
      "organisation_id",
      "in",
      organisations.map((row) => Number(row.id)),
    )
    .where("release_id", ">", shownReleaseId)
    .where("at", "<=", observation.at)
    .execute();
  let flagged = 0;
  for (const ack of acks) {
    const inserted = await trx
      .insertInto("ack_contradictions")
      .values({
        acknowledgment_id: Number(ack.id),
        resolver_id: observation.resolver.id,
        claimed_serial: Number(ack.serial),
        observed_serial: shownSerial,
        observed_at: observation.at,
        code: contradictedAckCode,
      })
      .onConflict((oc) => oc.columns(["acknowledgment_id", "resolver_id"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
    flagged++;
    await appendEvents(trx, [
      {
        at: observation.at,
        actor: "system:probes",
        subject_type: "release",
        subject_id: Number(ack.release_id),
        action: "release.ack-contradicted",
        data: {
          code: contradictedAckCode,
          organisationId: Number(ack.organisation_id),
          acknowledgmentId: Number(ack.id),
          claimedSerial: Number(ack.serial),
          resolverId: observation.resolver.id,
          observedSerial: shownSerial,
        },
      },
    ]);
  }
  return flagged;
}

/**
 * The resolvers whose canary is due: never asked; behind the current release and not asked for a tenth of the
 * time since the first release they lack (at least `minIntervalMs`, at most an hour); or whose operator
 * acknowledged a release since their last answer, so that the ack is checked at once.
 */
export async function dueCanaries(
  db: Kysely<Database>,
  resolvers: readonly RegisteredResolver[],
  options: { now: Date; minIntervalMs: number; horizonMs: number },
): Promise<RegisteredResolver[]> {
  const latest = await db
    .selectFrom("releases")
    .select(["id", "serial", "created_at"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!latest) return [];
  const now = options.now.getTime();
  const due: RegisteredResolver[] = [];
  for (const resolver of resolvers) {
    const last = await db
      .selectFrom("canary_observations")
      .select(["serial", "at"])
      .where("resolver_id", "=", resolver.id)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!last) {
      due.push(resolver);
      continue;
    }
    const shown = last.serial === null ? undefined : await releaseOfSerial(db, Number(last.serial));
    if (shown === undefined || shown < Number(latest.id)) {
      const lacking = await db
        .selectFrom("releases")
        .select("created_at")
        .where("id", ">", shown ?? 0)
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      const age = now - Date.parse(lacking?.created_at ?? latest.created_at);
      const interval = Math.min(3_600_000, Math.max(options.minIntervalMs, age / 10));
      if (age <= options.horizonMs && now - Date.parse(last.at) >= interval) {
        due.push(resolver);
        continue;
      }
    }
    const ackedSince = await db
      .selectFrom("acknowledgments")
      .innerJoin("organisations", "organisations.id", "acknowledgments.organisation_id")
      .select("organisations.name")
      .where("acknowledgments.at", ">", last.at)
      .execute();
    if (ackedSince.some((row) => addresseeKey(row.name) === addresseeKey(resolver.operator))) {
      due.push(resolver);
    }
  }
  return due;
}

/** One resolver's canary as compliance shows it. */
export interface ResolverCanary {
  /** `transport host:port`, as the resolver was registered. */
  resolver: string;
  /** The release serial it showed last; null when its last answer named none (or it was never asked). */
  appliedSerial: number | null;
  digest: string | null;
  observedAt: string | null;
  /** Releases between the one it shows and the current one; null when it shows none. */
  releasesBehind: number | null;
  /** How long it has lacked a release: from the first release it lacks to its last answer; 0 when current. */
  lagMs: number | null;
  /** What its last answer was when it named no serial: an RCODE, a failure, or a text that is no canary. */
  problem: string | null;
}

/** Times to apply, measured by the canary, next to time to enforce and to lift. */
export interface TimeToApply {
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Releases seen applied, over every resolver. */
  count: number;
  /** Resolvers seen behind the current release at their last answer. */
  pending: number;
}

/** Every resolver of an operator with its last canary answer, and the operator's times to apply. */
export async function operatorCanaries(
  db: Kysely<Database>,
  operatorId: number,
): Promise<{ canaries: ResolverCanary[]; timeToApply: TimeToApply; contradictedAcks: number }> {
  const resolvers = await db
    .selectFrom("resolvers")
    .select(["id", "host", "port", "transport"])
    .where("operator_id", "=", operatorId)
    .orderBy("id")
    .execute();
  const latest = await db
    .selectFrom("releases")
    .select("id")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const canaries: ResolverCanary[] = [];
  for (const resolver of resolvers) {
    const last = await db
      .selectFrom("canary_observations")
      .selectAll()
      .where("resolver_id", "=", resolver.id)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const label = `${resolver.transport} ${resolver.host.includes(":") ? `[${resolver.host}]` : resolver.host}:${resolver.port}`;
    const shown = last?.serial == null ? undefined : await releaseOfSerial(db, Number(last.serial));
    let lagMs: number | null = null;
    let behind: number | null = null;
    if (last && shown !== undefined) {
      behind = Math.max(0, Number(latest?.id ?? 0) - shown);
      const lacking =
        behind === 0
          ? undefined
          : await db
              .selectFrom("releases")
              .select("created_at")
              .where("id", "=", shown + 1)
              .executeTakeFirst();
      lagMs = lacking ? Math.max(0, Date.parse(last.at) - Date.parse(lacking.created_at)) : 0;
    }
    canaries.push({
      resolver: label,
      appliedSerial: last?.serial == null ? null : Number(last.serial),
      digest: last?.digest ?? null,
      observedAt: last?.at ?? null,
      releasesBehind: behind,
      lagMs,
      problem:
        !last || last.serial != null
          ? null
          : (last.failure ?? (last.text ? `not a canary: ${last.text}` : (last.rcode ?? "no answer"))),
    });
  }
  const times = (
    await db
      .selectFrom("canary_applications")
      .select("time_to_apply_ms")
      .where("operator_id", "=", operatorId)
      .orderBy("time_to_apply_ms")
      .execute()
  ).map((row) => Number(row.time_to_apply_ms));
  const contradicted = await db
    .selectFrom("ack_contradictions")
    .innerJoin("resolvers", "resolvers.id", "ack_contradictions.resolver_id")
    .select((eb) => eb.fn.count<number>("ack_contradictions.acknowledgment_id").distinct().as("n"))
    .where("resolvers.operator_id", "=", operatorId)
    .executeTakeFirstOrThrow();
  return {
    canaries,
    timeToApply: {
      p50Ms: percentile(times, 0.5),
      p95Ms: percentile(times, 0.95),
      maxMs: times.at(-1) ?? null,
      count: times.length,
      pending: canaries.filter((canary) => (canary.releasesBehind ?? 0) > 0).length,
    },
    contradictedAcks: Number(contradicted.n),
  };
}

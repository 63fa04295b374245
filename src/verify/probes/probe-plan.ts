import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import { ZoneSource } from "../../publish/zone-source.ts";
import type { Database } from "../../store/database.ts";
import type { Expectation } from "./classify-answer.ts";
import type { RecordType } from "./dns-answer.ts";

/** One question a probe asks every resolver, and what the registry expects of its answer. */
export interface ProbeItem {
  name: string;
  qtype: Exclude<RecordType, "TXT">;
  expectation: Expectation;
  targetId: number | null;
}

export interface PlanOptions {
  /** Names that must resolve normally everywhere (control names). */
  controls?: readonly string[];
  /** At most this many blocked names, drawn at random when the zone has more (a sample of a large registry). */
  sample?: number;
  /** Lifted and expired entries are probed for over-blocking for this long after they left the zone. */
  liftedWithinMs?: number;
  /** At most this many lifted names, the most recent first. */
  liftedLimit?: number;
  now: Date;
}

const day = 86_400_000;
const lookupChunk = 400;

/**
 * What a sweep asks: the names of the published zone (every one, or a uniform random sample of a large zone),
 * names lifted or expired recently that no remaining entry covers (a stale resolver still blocks them), and
 * control names. A `*.name` trigger without `name` itself is asked as `www.name`, a name under it that is likely
 * to exist; response-IP triggers cannot be asked by name and are left out.
 */
export async function probePlan(db: Kysely<Database>, options: PlanOptions): Promise<ProbeItem[]> {
  const blocked = await sampledZoneNames(db, options.sample ?? 2000);
  const targetIds = await activeTargetIds(db, blocked);
  const items: ProbeItem[] = blocked.map((name) => ({
    name,
    qtype: "A",
    expectation: "blocked",
    targetId: targetIds.get(name) ?? null,
  }));
  for (const lifted of await liftedNames(db, options)) {
    items.push({ name: lifted.name, qtype: "A", expectation: "lifted", targetId: lifted.targetId });
  }
  // An entry outside its blocking windows must resolve, as a lifted one must: blocking it then over-blocks.
  for (const outside of await outsideWindowNames(db, options)) {
    items.push({ name: outside.name, qtype: "A", expectation: "lifted", targetId: outside.targetId });
  }
  for (const name of options.controls ?? []) {
    items.push({ name, qtype: "A", expectation: "control", targetId: null });
  }
  return items;
}

async function sampledZoneNames(db: Kysely<Database>, sample: number): Promise<string[]> {
  const chosen: string[] = [];
  let seen = 0;
  // Reservoir sampling (Vitter's algorithm R): every name has the same chance, in one pass over the zone.
  const offer = (name: string) => {
    seen++;
    if (chosen.length < sample) chosen.push(name);
    else {
      const slot = randomInt(0, seen);
      if (slot < sample) chosen[slot] = name;
    }
  };
  const wildcardParents: string[] = [];
  for await (const page of new ZoneSource(db).pages()) {
    let previous = "";
    for (const { owner, rtype } of page) {
      // The canary is asked on its own (canary-serials.ts), as TXT, not as a blocked name.
      if (owner === previous || owner.endsWith(".rpz-ip") || rtype === "TXT") continue;
      previous = owner;
      if (owner.startsWith("*.")) wildcardParents.push(owner.slice(2));
      else offer(owner);
    }
  }
  const withOwnTrigger = await ownersPresent(db, wildcardParents);
  for (const parent of new Set(wildcardParents)) if (!withOwnTrigger.has(parent)) offer(`www.${parent}`);
  return chosen.sort();
}

async function ownersPresent(db: Kysely<Database>, owners: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (let start = 0; start < owners.length; start += lookupChunk) {
    const rows = await db
      .selectFrom("zone_records")
      .select("owner")
      .where("owner", "in", owners.slice(start, start + lookupChunk))
      .execute();
    for (const row of rows) present.add(row.owner);
  }
  return present;
}

async function activeTargetIds(db: Kysely<Database>, names: readonly string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const values = [...new Set(names.flatMap((name) => [name, name.replace(/^www\./, "")]))];
  for (let start = 0; start < values.length; start += lookupChunk) {
    const rows = await db
      .selectFrom("targets")
      .select(["id", "value"])
      .where("state", "=", "active")
      .where("kind", "in", ["fqdn", "domain"])
      .where("value", "in", values.slice(start, start + lookupChunk))
      .execute();
    for (const row of rows) if (!ids.has(row.value)) ids.set(row.value, Number(row.id));
  }
  for (const name of names) {
    if (!ids.has(name) && name.startsWith("www.")) {
      const parent = ids.get(name.slice(4));
      if (parent !== undefined) ids.set(name, parent);
    }
  }
  return ids;
}

async function liftedNames(
  db: Kysely<Database>,
  options: PlanOptions,
): Promise<Array<{ name: string; targetId: number }>> {
  const since = new Date(options.now.getTime() - (options.liftedWithinMs ?? 30 * day)).toISOString();
  const rows = await db
    .selectFrom("targets")
    .select(["id", "value"])
    .where("state", "in", ["lifted", "expired", "suspended"])
    .where("kind", "in", ["fqdn", "domain"])
    .where("updated_at", ">=", since)
    .orderBy("updated_at", "desc")
    .limit(options.liftedLimit ?? 500)
    .execute();
  const covered = await coveredByZone(
    db,
    rows.map((row) => row.value),
  );
  const seen = new Set<string>();
  const lifted: Array<{ name: string; targetId: number }> = [];
  for (const row of rows) {
    if (covered.has(row.value) || seen.has(row.value)) continue;
    seen.add(row.value);
    lifted.push({ name: row.value, targetId: Number(row.id) });
  }
  return lifted;
}

/**
 * Active names under blocking windows that the zone does not hold now: their windows are all closed or yet
 * to come, so resolvers must answer them as if they were never blocked.
 */
async function outsideWindowNames(
  db: Kysely<Database>,
  options: PlanOptions,
): Promise<Array<{ name: string; targetId: number }>> {
  const rows = await db
    .selectFrom("targets")
    .innerJoin("blocking_windows", "blocking_windows.order_id", "targets.order_id")
    .select(["targets.id", "targets.value"])
    .distinct()
    .where("targets.state", "=", "active")
    .where("targets.kind", "in", ["fqdn", "domain"])
    .where("blocking_windows.state", "!=", "withdrawn")
    .orderBy("targets.id", "desc")
    .limit(options.liftedLimit ?? 500)
    .execute();
  const covered = await coveredByZone(
    db,
    rows.map((row) => row.value),
  );
  return rows
    .filter((row) => !covered.has(row.value))
    .map((row) => ({ name: row.value, targetId: Number(row.id) }));
}

/** The names among `names` that the published zone still blocks: by their own trigger or a `*.` above them. */
export async function coveredByZone(db: Kysely<Database>, names: readonly string[]): Promise<Set<string>> {
  const triggersOf = (name: string) => {
    const labels = name.split(".");
    return [name, ...labels.slice(1).map((_, index) => `*.${labels.slice(index + 1).join(".")}`)];
  };
  const present = await ownersPresent(db, [...new Set(names.flatMap(triggersOf))]);
  return new Set(names.filter((name) => triggersOf(name).some((trigger) => present.has(trigger))));
}

import { type Kysely, sql } from "kysely";
import type { DnsAction, Measure } from "../intake/order-input.ts";
import type { TargetKind } from "../names/target-kind.ts";
import { entriesInZoneNow } from "../registry/in-zone-now.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database, Dialect } from "../store/database.ts";
import {
  type EventMove,
  eventsSince,
  targetsChangingWhatIsServed,
  targetsMovedThroughActive,
} from "../store/events-since.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { insertMany } from "../store/insert-many.ts";
import { canaryRecord, canaryRtype, releaseDigest } from "./canary-record.ts";
import { delistingChangedAmong } from "./delisting/delisting-entries.ts";
import { nextSoaSerial } from "./dns/soa-serial.ts";
import { type OpenRollout, openRollout } from "./rollout/open-rollout.ts";
import { stagingEnabled } from "./rollout/staging-enabled.ts";
import type { RpzPolicy } from "./rpz-policy.ts";
import {
  ownersForTarget,
  recordsForAction,
  stricterAction,
  valuesForOwner,
  type ZoneRecord,
} from "./rpz-records.ts";

export interface ReleaseSummary {
  /** The release number: the name feeds, webhooks and acknowledgments use. */
  id: number;
  /** The release number modulo 2^32 (feeds' `serial`, `/releases/N/ack`). */
  serial: number;
  /** The zone's SOA serial: what DNS sees (SOA, IXFR, NOTIFY); only goes up (dns/soa-serial.ts). */
  soaSerial: number;
  createdAt: string;
  added: number;
  removed: number;
  recordCount: number;
  /** The `release.published` event: the release's own leaf in the public log. */
  eventId?: number;
  /** Served to canary operators only until its rollout is promoted (rollout/). */
  staged: boolean;
}

export interface BuildOptions {
  /**
   * A serial the new release must be past, e.g. the last one this data folder served: a restored or reset store
   * is published above it so secondaries transfer again instead of ignoring a serial that went backwards.
   */
  servedSerial?: number;
  /** Write a release even when nothing changed (to move the serial past `servedSerial`). */
  force?: boolean;
  /** Called when the build compares the zone with the registry: some event since the last one changed what is served. */
  onDiff?: () => void;
  /**
   * Stage a release that adds entries (config `releases.staged`; the authority's `decree releases staging`
   * overrides it): served first to canary operators only, promoted once they are seen to apply it.
   */
  staged?: boolean;
}

const chunk = 500;
const serialModulus = 2 ** 32;

/**
 * Turns every registry change since the last release into the next release, or returns null when neither the
 * zone nor the de-listing list changed. One transaction: the zone, the journal and the release row appear
 * together or not at all, so no reader (and no secondary) ever sees half a release, even if the process dies
 * while building it.
 *
 * Only events that change what is served lead to a diff: a target entering or leaving `active`, an active
 * entry renewed. An operator's report, a proposal, an appeal filed, or the release's own event move the cursor
 * and nothing else: no serial, no NOTIFY, no webhook. The events are read by id range (store/events-since.ts).
 */
export async function buildRelease(
  db: Kysely<Database>,
  dialect: Dialect,
  policy: RpzPolicy,
  now: Date,
  options: BuildOptions = {},
): Promise<ReleaseSummary | null> {
  return inTransaction(db, async (trx) => {
    const cursor = await lockAndReadCursor(trx, dialect);
    const latest = await trx
      .selectFrom("releases")
      .selectAll()
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const lastEvent = await trx
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    const lastEventId = Number(lastEvent?.id ?? 0);
    if (lastEventId === cursor && latest && !options.force) return null;
    const events = await eventsSince(trx, cursor);
    await moveCursor(trx, lastEventId);
    const windowed = await targetsOfWindowEvents(trx, events);
    const changed = [...new Set([...targetsChangingWhatIsServed(events), ...windowed])];
    if (latest && changed.length === 0 && !options.force) return null;
    options.onDiff?.();
    const moved = [...targetsMovedThroughActive(events), ...windowed];
    // While a rollout is open every new entry joins it; without one, a change that adds entries opens one
    // when staging is on. Removals (lifts, suspensions, appeals, expiries, windows closing) are never withheld.
    const rollout = await openRollout(trx);
    const staging = rollout !== undefined || (await stagingEnabled(trx, options.staged ?? false));
    const entered = staging ? await enteredZone(trx, events) : [];
    const withheld = new Set([...(rollout?.targetIds ?? []), ...entered]);
    if (withheld.size > 0) {
      const release = await buildStaged(trx, {
        latest,
        policy,
        now,
        options,
        lastEventId,
        changed,
        moved,
        withheld,
        entered,
        rollout,
      });
      await moveCursor(trx, await lastEventIdOf(trx));
      return release;
    }
    const owners = await affectedOwners(trx, moved);
    const { added, removed } = await diffOwners(trx, owners, policy);
    // A release is a state of the registry, not only of the zone: a change to the search engines' de-listing
    // list (a URL approved, an entry of a delist-only order lifted) is a release too, with an empty zone diff.
    const unchanged = added.length === 0 && removed.length === 0;
    if (latest && unchanged && !options.force && !(await delistingChangedAmong(trx, changed))) return null;
    const soaSerial = nextSoaSerial(
      [latest === undefined ? undefined : Number(latest.soa_serial), options.servedSerial],
      now,
    );
    const release = await writeRelease(trx, latest, {
      added,
      removed,
      lastEventId,
      now,
      soaSerial,
      canaryName: policy.canaryName,
      staged: false,
    });
    // The release's own event is behind the cursor too: it changes nothing served, so it wakes no build.
    await moveCursor(trx, release.eventId!);
    return release;
  });
}

/**
 * A build with entries withheld for canaries. When everyone else's zone changes too (an emergency: a lift, a
 * suspension, an expiry, or anything else touching their names), that change is released first, built on the
 * registry without the withheld entries, and the withheld entries are staged again on top of it as the next
 * release: the emergency never waits behind a staged or halted rollout, and every client's serial still only
 * goes up (canaries: staged → released → staged again; the others: released → released). Otherwise the
 * change is one staged release.
 */
async function buildStaged(
  trx: Kysely<Database>,
  build: {
    latest: { id: number; record_count: number; soa_serial: number; digest: string | null } | undefined;
    policy: RpzPolicy;
    now: Date;
    options: BuildOptions;
    lastEventId: number;
    changed: number[];
    moved: number[];
    withheld: Set<number>;
    entered: number[];
    rollout: OpenRollout | undefined;
  },
): Promise<ReleaseSummary | null> {
  const { policy, now, options, lastEventId, withheld, rollout } = build;
  const withheldOwners = await affectedOwners(trx, [...withheld]);
  const otherOwners = await affectedOwners(
    trx,
    build.moved.filter((id) => !withheld.has(id)),
  );
  const overlap = [...otherOwners].some((owner) => withheldOwners.has(owner));
  const others = await diffOwners(trx, otherOwners, policy, withheld);
  const delisting = await delistingChangedAmong(
    trx,
    build.changed.filter((id) => !withheld.has(id)),
  );
  let latest = build.latest && {
    id: Number(build.latest.id),
    record_count: Number(build.latest.record_count),
    soa_serial: Number(build.latest.soa_serial),
    digest: build.latest.digest,
  };
  let released: ReleaseSummary | undefined;
  if (overlap || delisting || others.added.length > 0 || others.removed.length > 0) {
    const all = new Set([...otherOwners, ...withheldOwners]);
    const { added, removed } = await diffOwners(trx, all, policy, withheld);
    const first = await writeRelease(trx, latest, {
      added,
      removed,
      lastEventId,
      now,
      soaSerial: nextSoaSerial([latest?.soa_serial, options.servedSerial], now),
      canaryName: policy.canaryName,
      staged: false,
    });
    released = first;
    latest = {
      id: first.id,
      record_count: first.recordCount,
      soa_serial: first.soaSerial,
      digest: first.digest,
    };
  }
  const { added, removed } = await diffOwners(trx, withheldOwners, policy);
  if (added.length === 0 && removed.length === 0) {
    // Nothing withheld is served any more (lifted, outside its windows): the rollout has nothing left to stage.
    if (rollout) await closeRollout(trx, rollout, "superseded", now);
    return released ?? null;
  }
  const staged = await writeRelease(trx, latest, {
    added,
    removed,
    lastEventId,
    now,
    soaSerial: nextSoaSerial([latest?.soa_serial, options.servedSerial], now),
    canaryName: policy.canaryName,
    staged: true,
  });
  await joinRollout(trx, { rollout, staged, entered: build.entered, released, now });
  return staged;
}

/** The targets that entered the zone among these events and are still in it: what a rollout withholds. */
async function enteredZone(trx: Kysely<Database>, events: EventMove[]): Promise<number[]> {
  const ids = new Set<number>();
  for (const e of events) {
    if (e.subjectType === "target" && e.toState === "active" && e.fromState !== "active")
      ids.add(e.subjectId);
  }
  const list = [...ids];
  const found: number[] = [];
  for (let start = 0; start < list.length; start += chunk) {
    const rows = await trx
      .selectFrom("targets")
      .select("id")
      .where("id", "in", list.slice(start, start + chunk))
      .where("state", "=", "active")
      .where("kind", "!=", "url")
      .execute();
    for (const row of rows) found.push(Number(row.id));
  }
  return found;
}

/** Opens a rollout for this staged release, or moves the open one to it; the new entries join it. */
async function joinRollout(
  trx: Kysely<Database>,
  join: {
    rollout: OpenRollout | undefined;
    staged: ReleaseSummary;
    entered: number[];
    released: ReleaseSummary | undefined;
    now: Date;
  },
): Promise<void> {
  const { staged, now } = join;
  let rolloutId: number;
  if (join.rollout) {
    rolloutId = join.rollout.id;
    await trx
      .updateTable("release_rollouts")
      .set({ release_id: staged.id })
      .where("id", "=", rolloutId)
      .execute();
  } else {
    const base = await trx
      .selectFrom("releases")
      .select("id")
      .where("staged", "=", 0)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const row = await trx
      .insertInto("release_rollouts")
      .values({
        release_id: staged.id,
        base_release_id: Number(base?.id ?? 0),
        state: "staged",
        started_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    rolloutId = Number(row.id);
  }
  const known = new Set(join.rollout?.targetIds ?? []);
  const fresh = join.entered.filter((id) => !known.has(id));
  for (let start = 0; start < fresh.length; start += chunk) {
    await trx
      .insertInto("rollout_targets")
      .values(fresh.slice(start, start + chunk).map((target_id) => ({ rollout_id: rolloutId, target_id })))
      .execute();
  }
  await appendEvents(trx, [
    {
      at: now.toISOString(),
      actor: "system:publisher",
      subject_type: "release",
      subject_id: staged.id,
      action: "release.staged",
      data: {
        serial: staged.serial,
        soaSerial: staged.soaSerial,
        rollout: rolloutId,
        joined: fresh.length,
        ...(join.released ? { rebasedOn: join.released.serial } : {}),
      },
    },
  ]);
}

async function closeRollout(
  trx: Kysely<Database>,
  rollout: OpenRollout,
  state: "superseded",
  now: Date,
): Promise<void> {
  await trx
    .updateTable("release_rollouts")
    .set({ state, decided_at: now.toISOString(), decided_by: "system:publisher" })
    .where("id", "=", rollout.id)
    .execute();
}

async function lastEventIdOf(trx: Kysely<Database>): Promise<number> {
  const row = await trx
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

async function moveCursor(trx: Kysely<Database>, lastEventId: number): Promise<void> {
  await trx.updateTable("publish_cursor").set({ last_event_id: lastEventId }).where("id", "=", 1).execute();
}

/**
 * Serialises builders and makes the event cursor safe: on PostgreSQL a SHARE lock on targets waits for every
 * writer in flight, so no event with a lower id can commit after this build has read past it; on SQLite the
 * first statement is a write, which takes the database's one write lock before anything is read.
 */
async function lockAndReadCursor(trx: Kysely<Database>, dialect: Dialect): Promise<number> {
  if (dialect === "postgres") {
    await sql`lock table releases in exclusive mode`.execute(trx);
    await sql`lock table targets in share mode`.execute(trx);
  }
  const updated = await trx
    .updateTable("publish_cursor")
    .set({ last_event_id: sql`last_event_id` })
    .where("id", "=", 1)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) {
    await trx.insertInto("publish_cursor").values({ id: 1, last_event_id: 0 }).execute();
    return 0;
  }
  const row = await trx
    .selectFrom("publish_cursor")
    .select("last_event_id")
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  return Number(row.last_event_id);
}

/**
 * The active entries of the orders whose blocking windows opened, closed, were added or withdrawn among these
 * events: whether they are served may have changed with no event of their own.
 */
async function targetsOfWindowEvents(trx: Kysely<Database>, events: EventMove[]): Promise<number[]> {
  const orderIds = new Set<number>();
  for (const e of events) {
    if (e.subjectType === "order" && e.action.startsWith("order.window-")) orderIds.add(e.subjectId);
  }
  if (orderIds.size === 0) return [];
  const ids: number[] = [];
  const list = [...orderIds];
  for (let start = 0; start < list.length; start += chunk) {
    const rows = await trx
      .selectFrom("targets")
      .select("id")
      .where("order_id", "in", list.slice(start, start + chunk))
      .where("state", "=", "active")
      .execute();
    for (const row of rows) ids.push(Number(row.id));
  }
  return ids;
}

/** The owners whose records may have changed: those of every target that entered or left `active`. */
async function affectedOwners(trx: Kysely<Database>, targetIdList: number[]): Promise<Set<string>> {
  const targetIds = [...new Set(targetIdList)];
  const owners = new Set<string>();
  for (let start = 0; start < targetIds.length; start += chunk) {
    const rows = await trx
      .selectFrom("targets")
      .select(["kind", "value"])
      .where("id", "in", targetIds.slice(start, start + chunk))
      .execute();
    for (const row of rows) for (const owner of ownersForTarget(row.kind, row.value)) owners.add(owner);
  }
  return owners;
}

/** What these owners' records must become, against the zone now; `withheld` entries count as not in the zone. */
async function diffOwners(
  trx: Kysely<Database>,
  owners: Set<string>,
  policy: RpzPolicy,
  withheld?: ReadonlySet<number>,
) {
  const added: ZoneRecord[] = [];
  const removed: ZoneRecord[] = [];
  const list = [...owners];
  for (let start = 0; start < list.length; start += chunk) {
    const slice = list.slice(start, start + chunk);
    const desired = await desiredRecords(trx, slice, policy, withheld);
    const current = await trx
      .selectFrom("zone_records")
      .selectAll()
      .where("owner", "in", slice)
      .where("rtype", "!=", "TXT")
      .execute();
    const currentKeys = new Set(current.map(recordKey));
    const desiredKeys = new Set(desired.map(recordKey));
    for (const record of desired) if (!currentKeys.has(recordKey(record))) added.push(record);
    for (const record of current) if (!desiredKeys.has(recordKey(record))) removed.push(record as ZoneRecord);
  }
  return { added, removed };
}

/**
 * What the zone should hold for these owners: the records of every entry in the zone now that produces them
 * (active, and inside one of its blocking windows if it has any: registry/in-zone-now.ts).
 */
async function desiredRecords(
  trx: Kysely<Database>,
  owners: string[],
  policy: RpzPolicy,
  withheld?: ReadonlySet<number>,
): Promise<ZoneRecord[]> {
  const wanted = new Set(owners);
  const values = [...new Set(owners.flatMap(valuesForOwner))];
  // The state is checked here, not in SQL: with `state = 'active'` beside it, SQLite read the targets through
  // targets_state, every active entry for each page of owners (a million rows a page at a million entries),
  // instead of the few rows targets_value finds for these names.
  const found = await trx
    .selectFrom("targets")
    .innerJoin("orders", "orders.id", "targets.order_id")
    .select([
      "targets.id",
      "targets.order_id",
      "targets.state",
      "targets.kind",
      "targets.value",
      "orders.measures",
      "orders.dns_action",
    ])
    .where("targets.value", "in", values)
    .execute();
  const rows = await entriesInZoneNow(
    trx,
    found.filter((row) => row.state === "active" && !withheld?.has(Number(row.id))),
  );
  const actions = new Map<string, DnsAction>();
  for (const row of rows) {
    const kind = row.kind;
    if (!enforcedInDns(kind, JSON.parse(row.measures) as Measure[])) continue;
    const action = row.dns_action ?? policy.defaultAction;
    for (const owner of ownersForTarget(kind, row.value)) {
      if (!wanted.has(owner)) continue;
      const previous = actions.get(owner);
      actions.set(owner, previous ? stricterAction(previous, action) : action);
    }
  }
  return [...actions].flatMap(([owner, action]) => recordsForAction(owner, action, policy));
}

/** Names are blocked in DNS under a dns-block measure; addresses under ip-block (enforced by rpz-ip triggers). */
function enforcedInDns(kind: TargetKind, measures: Measure[]): boolean {
  if (kind === "url") return false;
  return measures.includes(kind === "ip" || kind === "cidr" ? "ip-block" : "dns-block");
}

function recordKey(record: { owner: string; rtype: string; rdata: string }): string {
  return `${record.owner} ${record.rtype} ${record.rdata}`;
}

async function writeRelease(
  trx: Kysely<Database>,
  latest: { id: number; record_count: number; digest: string | null } | undefined,
  change: {
    added: ZoneRecord[];
    removed: ZoneRecord[];
    lastEventId: number;
    now: Date;
    soaSerial: number;
    canaryName: string | undefined;
    staged: boolean;
  },
): Promise<ReleaseSummary & { digest: string }> {
  const id = Number(latest?.id ?? 0) + 1;
  const serial = id % serialModulus;
  // Counts are of the entries' records: the canary is replaced by every release and counts in none.
  const recordCount = Number(latest?.record_count ?? 0) + change.added.length - change.removed.length;
  const createdAt = change.now.toISOString();
  const digest = releaseDigest(latest?.digest ?? null, id, change.removed, change.added);
  // The canary moves in the release's own transaction, through the same journal: the served zone, AXFR,
  // IXFR and the RPZ feed all see it change exactly when the release lands, never on its own.
  const oldCanaries = (await trx
    .selectFrom("zone_records")
    .select(["owner", "rtype", "rdata"])
    .where("rtype", "=", canaryRtype)
    .execute()) as ZoneRecord[];
  const canaries = change.canaryName ? [canaryRecord(change.canaryName, { serial, digest })] : [];
  const removedRecords = [...change.removed, ...oldCanaries];
  const addedRecords = [...change.added, ...canaries];
  await trx
    .insertInto("releases")
    .values({
      id,
      serial,
      soa_serial: change.soaSerial,
      created_at: createdAt,
      last_event_id: change.lastEventId,
      record_count: recordCount,
      added: change.added.length,
      removed: change.removed.length,
      digest,
      staged: change.staged ? 1 : 0,
    })
    .execute();
  for (let start = 0; start < removedRecords.length; start += chunk) {
    const slice = removedRecords.slice(start, start + chunk);
    await trx
      .deleteFrom("zone_records")
      .where((eb) =>
        eb.or(
          slice.map((r) =>
            eb.and([eb("owner", "=", r.owner), eb("rtype", "=", r.rtype), eb("rdata", "=", r.rdata)]),
          ),
        ),
      )
      .execute();
  }
  const records = addedRecords;
  await insertMany(trx, "zone_records", ["owner", "rtype", "rdata"], records.length, (row, out, at) => {
    const record = records[row]!;
    out[at] = record.owner;
    out[at + 1] = record.rtype;
    out[at + 2] = record.rdata;
  });
  const journal = [
    ...removedRecords.map((record) => ({ op: "del" as const, record })),
    ...addedRecords.map((record) => ({ op: "add" as const, record })),
  ];
  await insertMany(
    trx,
    "release_changes",
    ["release_id", "op", "owner", "rtype", "rdata"],
    journal.length,
    (row, out, at) => {
      const { op, record } = journal[row]!;
      out[at] = id;
      out[at + 1] = op;
      out[at + 2] = record.owner;
      out[at + 3] = record.rtype;
      out[at + 4] = record.rdata;
    },
  );
  const eventId = await recordReleaseEvent(trx, { id, serial, createdAt, recordCount, change });
  return {
    id,
    serial,
    soaSerial: change.soaSerial,
    createdAt,
    added: change.added.length,
    removed: change.removed.length,
    recordCount,
    eventId,
    staged: change.staged,
    digest,
  };
}

/**
 * A release is a registry event like any other: its leaf closes the release's checkpoint, so the log
 * itself says which serial a state was published as. Written after the release's cursor was read, so the
 * next build sees it and finds nothing to publish.
 */
async function recordReleaseEvent(
  trx: Kysely<Database>,
  release: {
    id: number;
    serial: number;
    createdAt: string;
    recordCount: number;
    change: {
      added: ZoneRecord[];
      removed: ZoneRecord[];
      lastEventId: number;
      soaSerial: number;
      staged: boolean;
    };
  },
): Promise<number> {
  await appendEvents(trx, [
    {
      at: release.createdAt,
      actor: "system:publisher",
      subject_type: "release",
      subject_id: release.id,
      action: "release.published",
      data: {
        serial: release.serial,
        soaSerial: release.change.soaSerial,
        lastEventId: release.change.lastEventId,
        recordCount: release.recordCount,
        added: release.change.added.length,
        removed: release.change.removed.length,
        ...(release.change.staged ? { staged: true } : {}),
      },
    },
  ]);
  const row = await trx
    .selectFrom("events")
    .select((eb) => eb.fn.max("id").as("id"))
    .where("subject_type", "=", "release")
    .where("subject_id", "=", release.id)
    .where("action", "=", "release.published")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

import type { ExpressionBuilder, Kysely } from "kysely";
import type { Database } from "../../store/database.ts";
import { eventsSince, targetsMovedThroughActive } from "../../store/events-since.ts";

/** What a search engine de-lists: a host name, a domain and everything below it, or one page. */
export const delistingKinds = ["fqdn", "domain", "url"] as const;
export type DelistingKind = (typeof delistingKinds)[number];

/** One thing a search engine must de-list, with the order that says so and the country it covers. */
export interface DelistingEntry {
  /** The target's id: what an appeal or a search engine's report names. */
  target: number;
  kind: DelistingKind;
  /** Canonical: IDNA A-labels, lowercase; a URL as normalized by the names module. */
  value: string;
  /** The Unicode form, when it differs from `value`. */
  display?: string;
  /** ISO 3166-1 alpha-2: the order's jurisdiction, the country whose results are de-listed. */
  country: string;
  order: { id: number; authority: string; caseNumber: string; decisionDate: string };
  /** The end of the entry's validity (never after its order's). */
  until: string;
}

export interface DelistingDiff {
  from: number;
  to: number;
  removed: DelistingEntry[];
  added: DelistingEntry[];
}

/** Ids per query: far below SQLite's and PostgreSQL's limits on bound parameters. */
const chunk = 500;
const pageSize = 5000;

type Tables = Database & { t: Database["targets"]; o: Database["orders"] };

/**
 * An entry is on the de-listing list while it is active, of a kind a search engine can act on, under an
 * order whose measures include `delist`. Orders are immutable, so the measure never changes under an entry.
 */
function delistable(eb: ExpressionBuilder<Tables, "t" | "o">) {
  return eb.and([eb("t.kind", "in", delistingKinds), eb("o.measures", "like", '%"delist"%')]);
}

function entryRows(db: Kysely<Database>) {
  return db
    .selectFrom("targets as t")
    .innerJoin("orders as o", "o.id", "t.order_id")
    .select([
      "t.id",
      "t.kind",
      "t.value",
      "t.display",
      "t.valid_until",
      "o.id as order_id",
      "o.authority",
      "o.case_number",
      "o.decision_date",
      "o.jurisdiction",
    ])
    .where(delistable);
}

type EntryRow = Awaited<ReturnType<ReturnType<typeof entryRows>["execute"]>>[number];

function entryOf(row: EntryRow): DelistingEntry {
  return {
    target: Number(row.id),
    kind: row.kind as DelistingKind,
    value: row.value,
    ...(row.display !== row.value ? { display: row.display } : {}),
    country: row.jurisdiction,
    order: {
      id: Number(row.order_id),
      authority: row.authority,
      caseNumber: row.case_number,
      decisionDate: row.decision_date,
    },
    until: row.valid_until,
  };
}

/**
 * Whether any of these targets (those whose served form changed since the last release) is on a de-listing
 * list. Looked up by primary key: the events were already read by id range, so no query here walks the
 * history of every target event (as one filtered on `subject_type` did, over the subject index).
 */
export async function delistingChangedAmong(db: Kysely<Database>, targetIds: number[]): Promise<boolean> {
  for (let start = 0; start < targetIds.length; start += chunk) {
    const row = await db
      .selectFrom("targets as t")
      .innerJoin("orders as o", "o.id", "t.order_id")
      .select("t.id")
      .where("t.id", "in", targetIds.slice(start, start + chunk))
      .where(delistable)
      .limit(1)
      .executeTakeFirst();
    if (row) return true;
  }
  return false;
}

/**
 * The de-listing list as it stood when the event log ended at `cutoff` (a release's last event), in target
 * order, page by page. Computed from the log rather than from the targets' current states, so that a
 * release's list is the same bytes whenever it is rendered: the targets that moved into or out of `active`
 * after the cutoff are taken back to their state at the cutoff.
 */
export async function* delistingEntriesAt(
  db: Kysely<Database>,
  cutoff: number,
  withheld: ReadonlySet<number> = new Set(),
): AsyncGenerator<DelistingEntry[]> {
  for await (const page of entriesAt(db, cutoff)) {
    // A staged rollout's entries are not in the release everyone gets (rollout/withheld-targets.ts).
    const kept = withheld.size === 0 ? page : page.filter((entry) => !withheld.has(entry.target));
    if (kept.length > 0) yield kept;
  }
}

async function* entriesAt(db: Kysely<Database>, cutoff: number): AsyncGenerator<DelistingEntry[]> {
  const moved = await movedTargets(db, cutoff, undefined);
  const movedActive = await rowsActiveAt(db, [...moved], cutoff);
  let after = 0;
  let next = 0;
  for (;;) {
    const rows = await entryRows(db)
      .where("t.state", "=", "active")
      .where("t.id", ">", after)
      .orderBy("t.id")
      .limit(pageSize)
      .execute();
    const last = rows.length === pageSize ? Number(rows.at(-1)!.id) : Number.POSITIVE_INFINITY;
    const page: DelistingEntry[] = [];
    for (const row of rows) {
      const id = Number(row.id);
      while (next < movedActive.length && movedActive[next]!.target < id) page.push(movedActive[next++]!);
      if (!moved.has(id)) page.push(entryOf(row));
    }
    while (next < movedActive.length && movedActive[next]!.target <= last) page.push(movedActive[next++]!);
    if (page.length > 0) yield page;
    if (rows.length < pageSize) return;
    after = last;
  }
}

/** What changed on the list between two cutoffs: the entries that left it and those that joined it. */
export async function delistingDiff(
  db: Kysely<Database>,
  from: { serial: number; cutoff: number },
  to: { serial: number; cutoff: number },
): Promise<DelistingDiff> {
  const moved = [...(await movedTargets(db, from.cutoff, to.cutoff))];
  const before = await rowsActiveAt(db, moved, from.cutoff);
  const after = await rowsActiveAt(db, moved, to.cutoff);
  const was = new Set(before.map((entry) => entry.target));
  const is = new Set(after.map((entry) => entry.target));
  return {
    from: from.serial,
    to: to.serial,
    removed: before.filter((entry) => !is.has(entry.target)),
    added: after.filter((entry) => !was.has(entry.target)),
  };
}

/** Targets some event after `after` (and up to `upTo`) moved into or out of `active`. */
async function movedTargets(db: Kysely<Database>, after: number, upTo: number | undefined) {
  return new Set(targetsMovedThroughActive(await eventsSince(db, after, upTo)));
}

/** Of these targets, the de-listable ones whose last state change up to `cutoff` made them active. */
async function rowsActiveAt(db: Kysely<Database>, ids: number[], cutoff: number): Promise<DelistingEntry[]> {
  const entries: DelistingEntry[] = [];
  const sorted = [...ids].sort((a, b) => a - b);
  for (let start = 0; start < sorted.length; start += chunk) {
    const slice = sorted.slice(start, start + chunk);
    const rows = await entryRows(db).where("t.id", "in", slice).orderBy("t.id").execute();
    if (rows.length === 0) continue;
    const states = await statesAt(
      db,
      rows.map((row) => Number(row.id)),
      cutoff,
    );
    for (const row of rows) if (states.get(Number(row.id)) === "active") entries.push(entryOf(row));
  }
  return entries;
}

/** Each target's state as the log had it at `cutoff`: the `to_state` of its last event up to there. */
async function statesAt(db: Kysely<Database>, ids: number[], cutoff: number): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom("events")
    .select(["subject_id", "to_state"])
    .where(
      "id",
      "in",
      db
        .selectFrom("events")
        .select((eb) => eb.fn.max("id").as("id"))
        .where("subject_type", "=", "target")
        .where("subject_id", "in", ids)
        .where("id", "<=", cutoff)
        .where("to_state", "is not", null)
        .groupBy("subject_id"),
    )
    .execute();
  return new Map(rows.map((row) => [Number(row.subject_id), String(row.to_state)]));
}

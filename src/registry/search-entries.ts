import type { Kysely } from "kysely";
import { entryStates } from "../intake/target.ts";
import { normalizeTarget } from "../names/normalize-target.ts";
import { parentNames } from "../names/parent-names.ts";
import type { Database } from "../store/database.ts";
import type { TargetKind, TargetState } from "../vocabulary/vocabulary.ts";
import { entriesInZoneNow } from "./in-zone-now.ts";

/** One public entry that reaches the name searched for, whatever its state, with its order's public facts. */
export interface FoundEntry {
  targetId: number;
  kind: TargetKind;
  value: string;
  display: string;
  state: TargetState;
  validFrom: string;
  validUntil: string;
  order: { id: number; authority: string; caseNumber: string; decisionDate: string; jurisdiction: string };
  /** Whether it blocks now: active, and inside one of its blocking windows if it has any (in-zone-now.ts). */
  blockedNow: boolean;
}

export type EntrySearch =
  | { ok: true; name: string; display: string; blocked: boolean; entries: FoundEntry[] }
  | { ok: false; code: string };

/**
 * The public portal's search: which entries reach a name or URL as a person typed it (normalized as a target
 * is), the name's own entry and the `domain` entries above it, in every public state (a suspended or lifted entry
 * answers "was blocked, no longer"). `blocked` says whether one of them blocks now (active, and inside a
 * blocking window if it has any). Only entries are public
 * (never proposed or rejected targets). Each lookup is an indexed equality on `targets.value`, so its cost does
 * not grow with the registry.
 */
export async function searchEntries(db: Kysely<Database>, query: string): Promise<EntrySearch> {
  const checked = normalizeTarget(query.trim());
  if (!checked.ok) return { ok: false, code: checked.code };
  const host = checked.kind === "url" ? hostOfUrl(checked.value) : checked.value;
  const above = checked.kind === "ip" || checked.kind === "cidr" ? [] : parentNames(host);
  const rows = await db
    .selectFrom("targets as t")
    .innerJoin("orders as o", "o.id", "t.order_id")
    .select([
      "t.id",
      "t.kind",
      "t.value",
      "t.display",
      "t.state",
      "t.valid_from",
      "t.valid_until",
      "o.id as order_id",
      "o.authority",
      "o.case_number",
      "o.decision_date",
      "o.jurisdiction",
    ])
    .where("t.state", "in", [...entryStates])
    .where((eb) =>
      eb.or([
        eb("t.value", "=", checked.value),
        ...(host !== checked.value ? [eb("t.value", "=", host)] : []),
        ...(above.length > 0 ? [eb.and([eb("t.kind", "=", "domain"), eb("t.value", "in", above)])] : []),
      ]),
    )
    .orderBy("t.id")
    .execute();
  // No LIMIT in SQL: with one, SQLite walks the primary key in order instead of the value index (a full scan
  // on a large registry). A name has a handful of entries: its own and those of the domains above it.
  const served = new Set(
    (
      await entriesInZoneNow(
        db,
        rows.map((row) => ({ id: Number(row.id), order_id: Number(row.order_id), state: row.state })),
      )
    ).map((row) => row.id),
  );
  const entries = rows.map((row) => ({
    targetId: Number(row.id),
    kind: row.kind,
    value: row.value,
    display: row.display,
    state: row.state,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    order: {
      id: Number(row.order_id),
      authority: row.authority,
      caseNumber: row.case_number,
      decisionDate: row.decision_date,
      jurisdiction: row.jurisdiction,
    },
    blockedNow: served.has(Number(row.id)),
  }));
  return {
    ok: true,
    name: checked.value,
    display: checked.display,
    blocked: entries.some((entry) => entry.blockedNow),
    entries,
  };
}

function hostOfUrl(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

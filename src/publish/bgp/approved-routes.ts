import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import { formatMessage } from "../../locale/format-message.ts";
import { overrideConfirmedAction } from "../../review/approval-policy.ts";
import type { Database } from "../../store/database.ts";
import type { FeedEntry } from "../feeds/feed-entries.ts";

/** Values per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const chunk = 500;

/**
 * The addresses and prefixes among `entries` that are not approved entries, which decree must not announce. The
 * zone only holds active entries, so this is empty while the code keeps its promises; it is checked anyway
 * because a route leaves the machine and cuts an address off for everyone behind the routers that take it. Each
 * address or prefix must be an active `ip` or `cidr` target, and every `block` finding on it must have an
 * override confirmed by a second person.
 */
export async function unapprovedRoutes(
  db: Kysely<Database>,
  entries: readonly FeedEntry[],
): Promise<string[]> {
  const values = entries.map((entry) => entry.value);
  const active = new Map<string, number[]>();
  for (let start = 0; start < values.length; start += chunk) {
    const rows = await db
      .selectFrom("targets")
      .select(["id", "value"])
      .where("kind", "in", ["ip", "cidr"])
      .where("state", "=", "active")
      .where("value", "in", values.slice(start, start + chunk))
      .execute();
    for (const row of rows) active.set(row.value, [...(active.get(row.value) ?? []), Number(row.id)]);
  }
  const unapproved = values.filter((value) => !active.has(value));
  // An address under two orders is announced if one of its entries stands.
  const ids = [...active.values()].flat();
  const blocked = new Map<number, Set<string>>();
  for (let start = 0; start < ids.length; start += chunk) {
    const rows = await db
      .selectFrom("findings")
      .select(["target_id", "code"])
      .where("target_id", "in", ids.slice(start, start + chunk))
      .where("severity", "=", "block")
      .execute();
    for (const row of rows) {
      const codes = blocked.get(Number(row.target_id)) ?? new Set<string>();
      codes.add(row.code);
      blocked.set(Number(row.target_id), codes);
    }
  }
  for (const [id, codes] of blocked) {
    const overrides = await db
      .selectFrom("events")
      .select("data")
      .where("subject_type", "=", "target")
      .where("subject_id", "=", id)
      .where("action", "=", overrideConfirmedAction)
      .execute();
    for (const row of overrides) codes.delete(String((JSON.parse(row.data) as { code?: unknown }).code));
  }
  const overridden = (value: string) =>
    (active.get(value) ?? []).some((id) => (blocked.get(id)?.size ?? 0) === 0);
  const unsafe = values.filter((value) => active.has(value) && !overridden(value));
  return [...unapproved, ...unsafe];
}

/** The refusal of routes that are not approved entries: said, logged, and never announced. */
export function routesNotApproved(refused: readonly string[]): DecreeError {
  return new DecreeError(
    "BGP_ROUTE_NOT_APPROVED",
    formatMessage(
      "decree left out {count, plural, one {# route that is not an approved entry} other {# routes that are not approved entries}}",
      "en",
      { count: refused.length },
    ) +
      ` (${refused.slice(0, 5).join(", ")}${refused.length > 5 ? ", …" : ""}): each must be an active ip or cidr target whose blocking findings ` +
      "have a confirmed override. The other routes are announced and withdrawn as usual; check these entries " +
      "with `decree targets list`.",
    { prefixes: refused.slice(0, 100) },
  );
}

/** Throws BGP_ROUTE_NOT_APPROVED unless every entry may be announced. */
export async function assertRoutesApproved(
  db: Kysely<Database>,
  entries: readonly FeedEntry[],
): Promise<void> {
  const refused = await unapprovedRoutes(db, entries);
  if (refused.length > 0) throw routesNotApproved(refused);
}

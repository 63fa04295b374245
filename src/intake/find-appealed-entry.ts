import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { normalizeTarget } from "../names/normalize-target.ts";
import { parentNames } from "../names/parent-names.ts";
import { idOfRef } from "../names/parse-decimal-integer.ts";
import type { Database } from "../store/database.ts";
import { type Target, targetFromRow } from "./target.ts";

/** Entries an appeal can reach: those that block now, or will, or are suspended pending a decision. */
export const appealableStates = ["approved", "active", "suspended"] as const;

/**
 * The one entry an appellant means: by target id (the stop page shows it), or by name or URL, where a name
 * also finds the `domain` entries above it (a site blocked as part of its parent domain). A name under
 * several orders is ambiguous until the order is given, so an appeal never lands on the wrong entry.
 */
export async function findAppealedEntry(
  trx: Kysely<Database>,
  ref: string,
  orderId: number | undefined,
): Promise<Target> {
  const rows = await candidates(trx, ref.trim(), orderId);
  const inForce = rows.filter((row) => (appealableStates as readonly string[]).includes(row.state));
  const [only] = inForce;
  if (inForce.length === 1 && only) return targetFromRow(only);
  if (inForce.length > 1) {
    throw new DecreeError(
      "TARGET_AMBIGUOUS",
      `${ref.trim()} is blocked by several entries: ${inForce
        .map((row) => `target ${row.id} (order ${row.order_id})`)
        .join(", ")}; appeal against one by its target id, or give the order.`,
      { targetIds: inForce.map((row) => Number(row.id)) },
    );
  }
  if (rows.length > 0) {
    throw new DecreeError(
      "APPEAL_TARGET_NOT_IN_FORCE",
      `${ref.trim()} is ${[...new Set(rows.map((row) => row.state))].join(", ")}: nothing blocks it that an ` +
        "appeal could remove. An appeal is against an entry that is approved, active or suspended.",
      undefined,
      { input: ref.trim(), states: [...new Set(rows.map((row) => row.state))].join(", ") },
    );
  }
  throw new DecreeError(
    "TARGET_NOT_FOUND",
    `No entry is named ${ref.trim()}${orderId ? ` on order ${orderId}` : ""}. Give the target id shown on ` +
      "the stop page, or the name exactly as blocked.",
  );
}

async function candidates(trx: Kysely<Database>, ref: string, orderId: number | undefined) {
  let query = trx.selectFrom("targets").selectAll();
  const id = idOfRef(ref);
  if (id !== undefined) {
    if (!id.ok) return [];
    query = query.where("id", "=", id.value);
  } else {
    const name = normalizeTarget(ref);
    if (!name.ok) return [];
    const above = name.kind === "fqdn" || name.kind === "domain" ? parentNames(name.value) : [];
    query = query.where((eb) =>
      eb.or([
        eb("value", "=", name.value),
        ...(above.length > 0 ? [eb.and([eb("kind", "=", "domain"), eb("value", "in", above)])] : []),
      ]),
    );
  }
  if (orderId !== undefined) query = query.where("order_id", "=", orderId);
  return query.orderBy("id").execute();
}

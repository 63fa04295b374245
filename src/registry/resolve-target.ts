import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { type Target, targetFromRow } from "../intake/target.ts";
import { normalizeTarget } from "../names/normalize-target.ts";
import { idOfRef } from "../names/parse-decimal-integer.ts";
import type { Database } from "../store/database.ts";
import { statesAllowing, type TargetAct } from "./target-lifecycle.ts";

/**
 * Finds the one target a person means: by id, or by name among the targets a decision can apply to. A name on
 * several orders is ambiguous until an order is named, so a decision never lands on the wrong one.
 */
export async function resolveTarget(
  trx: Kysely<Database>,
  ref: string,
  decision: TargetAct,
  orderId?: number,
): Promise<Target> {
  const trimmed = ref.trim();
  const id = idOfRef(trimmed);
  if (id && !id.ok) throw new DecreeError("NUMBER_INVALID", `Target id ${id.message}.`);
  if (id?.ok) return targetById(trx, id.value);
  const name = normalizeTarget(trimmed);
  if (!name.ok) {
    throw new DecreeError(
      "TARGET_NOT_FOUND",
      `"${ref}" is neither a target id nor a name decree can store (${name.code}: ${name.message}).`,
    );
  }
  let query = trx.selectFrom("targets").selectAll().where("value", "=", name.value);
  if (orderId !== undefined) query = query.where("order_id", "=", orderId);
  const rows = await query.orderBy("id").execute();
  const candidates = rows.filter((row) => statesAllowing(decision).includes(row.state as Target["state"]));
  const [only] = candidates;
  if (candidates.length === 1 && only) return targetFromRow(only);
  if (candidates.length > 1) {
    throw new DecreeError(
      "TARGET_AMBIGUOUS",
      `${name.value} matches targets ${candidates.map((row) => `${row.id} (order ${row.order_id})`).join(", ")}; ` +
        "name the target by its id, or give --order.",
      { targetIds: candidates.map((row) => row.id) },
    );
  }
  const last = rows.at(-1);
  if (last) {
    throw new DecreeError(
      "TARGET_TRANSITION_INVALID",
      `${name.value} is ${rows.map((row) => `${row.state} (target ${row.id})`).join(", ")}; ` +
        `${decision} applies only to a target that is ${statesAllowing(decision).join(" or ")}.`,
    );
  }
  throw new DecreeError(
    "TARGET_NOT_FOUND",
    `No target is named ${name.value}${orderId ? ` on order ${orderId}` : ""}. See \`decree targets list\`.`,
  );
}

/** Ids per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const idChunk = 500;

/**
 * The targets these refs name, in the order of the refs, as `resolveTarget` finds each; refs that are ids are
 * read 500 at a time, so a bulk decision on 100,000 targets asks the store 200 times rather than 100,000.
 */
export async function resolveTargets(
  trx: Kysely<Database>,
  refs: readonly string[],
  decision: TargetAct,
  orderId?: number,
): Promise<Target[]> {
  const ids = refs.flatMap((ref) => {
    const id = idOfRef(ref.trim());
    return id?.ok ? [id.value] : [];
  });
  const byId = new Map<number, Target>();
  for (let start = 0; start < ids.length; start += idChunk) {
    const rows = await trx
      .selectFrom("targets")
      .selectAll()
      .where("id", "in", ids.slice(start, start + idChunk))
      .execute();
    for (const row of rows) byId.set(Number(row.id), targetFromRow(row));
  }
  const targets: Target[] = [];
  for (const ref of refs) {
    const id = idOfRef(ref.trim());
    const known = id?.ok ? byId.get(id.value) : undefined;
    targets.push(known ?? (await resolveTarget(trx, ref, decision, orderId)));
  }
  return targets;
}

async function targetById(trx: Kysely<Database>, id: number): Promise<Target> {
  const row = await trx.selectFrom("targets").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row)
    throw new DecreeError("TARGET_NOT_FOUND", `There is no target ${id}. See \`decree targets list\`.`);
  return targetFromRow(row);
}

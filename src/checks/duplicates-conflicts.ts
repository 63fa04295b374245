import { sql } from "kysely";
import type { TargetState } from "../vocabulary/vocabulary.ts";
import type { Check, CheckedTarget } from "./check.ts";
import type { CheckData } from "./check-data.ts";
import type { CheckRun } from "./check-run.ts";
import type { Finding } from "./finding.ts";
import { findingMessage } from "./finding-message.ts";
import { targetAddress, targetHost } from "./target-host.ts";

const name = "duplicates-conflicts";

/** States in which a target is, or is about to be, an entry that resolvers enforce. */
const enforcedStates: TargetState[] = ["approved", "active", "suspended"];

/** Values per store query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const lookupChunk = 500;

interface OtherOrder {
  targetId: number;
  orderId: number;
  state: TargetState;
  validUntil: string;
}

/**
 * Conflicts with what the registry already holds: the same target as an entry of another order is info (the
 * reviewer sees that the name is blocked already, and until when); a target listed as an exemption
 * (data/exemptions.json, config exemptionsFile) is block. The store is asked once per 500 targets, not once
 * per target.
 */
export async function duplicatesConflicts({ targets, context, data }: CheckRun): Promise<Check> {
  const others = await entriesOfOtherOrders(targets, context);
  return {
    name,
    run: (target) => [...exemptionFindings(target, data), ...duplicateFindings(target, others)],
  };
}

async function entriesOfOtherOrders(
  targets: readonly CheckedTarget[],
  { db, order }: CheckRun["context"],
): Promise<Map<string, OtherOrder[]>> {
  const byKey = new Map<string, OtherOrder[]>();
  const values = [...new Set(targets.map((t) => t.value))];
  // PostgreSQL takes the values as one array parameter: one statement per batch, however large.
  const postgres = db.getExecutor().adapter.constructor.name.startsWith("Postgres");
  const chunk = postgres ? Math.max(values.length, 1) : lookupChunk;
  for (let start = 0; start < values.length; start += chunk) {
    const some = values.slice(start, start + chunk);
    const rows = await db
      .selectFrom("targets")
      .select(["id", "order_id", "kind", "value", "state", "valid_until"])
      .where((eb) =>
        postgres ? eb("value", "=", sql<string>`any(${some}::text[])`) : eb("value", "in", some),
      )
      .where("order_id", "!=", order.id)
      .where("state", "in", enforcedStates)
      .execute();
    for (const row of rows) {
      const key = `${row.kind} ${row.value}`;
      const list = byKey.get(key) ?? [];
      list.push({
        targetId: Number(row.id),
        orderId: Number(row.order_id),
        state: row.state,
        validUntil: row.valid_until,
      });
      byKey.set(key, list);
    }
  }
  return byKey;
}

function duplicateFindings(target: CheckedTarget, others: Map<string, OtherOrder[]>): Finding[] {
  return (others.get(`${target.kind} ${target.value}`) ?? []).map((other) => ({
    check: name,
    severity: "info",
    code: "TARGET_ACTIVE_UNDER_OTHER_ORDER",
    ...messageOf({
      value: target.value,
      state: other.state,
      orderId: other.orderId,
      until: other.validUntil,
    }),
    evidence: { ...other },
  }));
}

function exemptionFindings(target: CheckedTarget, data: CheckData): Finding[] {
  const host = targetHost(target);
  const address = host === null ? targetAddress(target) : null;
  const matches =
    host !== null
      ? data.exemptNames.match(host, target.kind === "domain").map((m) => ({ listed: m.name, ...m }))
      : address !== null
        ? data.exemptRanges.match(address).map((m) => ({ listed: m.range, ...m }))
        : [];
  return matches.map((match) => ({
    check: name,
    severity: "block",
    code: "TARGET_EXEMPTED",
    message: findingMessage("TARGET_EXEMPTED", {
      value: target.value,
      listed: match.listed,
      reason: match.entry.reason,
    }),
    params: { value: target.value, listed: match.listed, reason: match.entry.reason },
    evidence: {
      exemption: match.listed,
      relation: match.relation,
      reason: match.entry.reason,
      list: match.entry.list,
    },
  }));
}

function messageOf(params: { value: string; state: string; orderId: number; until: string }) {
  return { message: findingMessage("TARGET_ACTIVE_UNDER_OTHER_ORDER", params), params };
}

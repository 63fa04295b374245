import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import type { Finding } from "./finding.ts";
import { readStoredEvidence } from "./stored-evidence.ts";

/** A finding as stored: what the check said, and when. */
export interface StoredFinding extends Finding {
  createdAt: string;
}

/** Target ids per store query: under both engines' bound-parameter limits. */
const chunk = 500;

/**
 * The findings about each of these targets, in the order they were found. Findings hold no personal data
 * (checks see names, addresses and orders, never people), so the same answer serves the reviewer and the public.
 */
export async function findingsOf(
  db: Kysely<Database>,
  targetIds: readonly number[],
): Promise<Map<number, StoredFinding[]>> {
  const byTarget = new Map<number, StoredFinding[]>();
  for (let start = 0; start < targetIds.length; start += chunk) {
    const rows = await db
      .selectFrom("findings")
      .select(["target_id", "check", "severity", "code", "message", "evidence", "created_at"])
      .where("target_id", "in", targetIds.slice(start, start + chunk))
      .orderBy("id")
      .execute();
    for (const row of rows) {
      const id = Number(row.target_id);
      const list = byTarget.get(id) ?? [];
      const { evidence, params } = readStoredEvidence(row.evidence);
      list.push({
        check: row.check,
        severity: row.severity,
        code: row.code,
        message: row.message,
        ...(params ? { params } : {}),
        evidence,
        createdAt: row.created_at,
      });
      byTarget.set(id, list);
    }
  }
  return byTarget;
}

/** Each target with a `findings` array (empty when none was found or the checks predate it). */
export async function withFindings<T extends { id: number }>(
  db: Kysely<Database>,
  targets: readonly T[],
): Promise<Array<T & { findings: StoredFinding[] }>> {
  const found = await findingsOf(
    db,
    targets.map((t) => t.id),
  );
  return targets.map((target) => ({ ...target, findings: found.get(target.id) ?? [] }));
}

import type { Kysely } from "kysely";
import type { AddedTarget } from "../intake/add-targets.ts";
import type { Order } from "../intake/order.ts";
import type { Database } from "../store/database.ts";
import { insertMany } from "../store/insert-many.ts";
import type { CheckData, CheckSettings } from "./check-data.ts";
import type { Finding } from "./finding.ts";
import { runChecks } from "./index.ts";
import { recordSnapshotAddresses } from "./snapshot-addresses.ts";
import { storedEvidence } from "./stored-evidence.ts";

export interface RecordedFindings {
  /** Findings by severity over the batch, for the submitter's answer. */
  counts: Record<Finding["severity"], number>;
  /** The targets with at least one block or review finding, and those findings' codes. */
  held: Array<{ targetId: number; codes: string[] }>;
}

const columns = ["target_id", "check", "severity", "code", "message", "evidence", "created_at"] as const;

/**
 * Runs the checks on targets just added and stores their findings, in the caller's transaction: a submission
 * and the evidence about it land together or not at all. Called by the wiring (CLI, HTTP) right after
 * addTargets, since intake comes before checks and cannot call them itself.
 */
export async function recordFindings(
  trx: Kysely<Database>,
  order: Order,
  added: readonly AddedTarget[],
  options: { now: Date; settings?: CheckSettings; data?: CheckData },
): Promise<RecordedFindings> {
  const counts = { block: 0, review: 0, info: 0 };
  const held: RecordedFindings["held"] = [];
  if (added.length === 0) return { counts, held };
  const findings = await runChecks(
    added,
    { order, db: trx, now: options.now },
    { settings: options.settings, ...(options.data ? { data: options.data } : {}) },
  );
  const rows: Array<{ targetId: number; finding: Finding }> = [];
  added.forEach((target, index) => {
    const found = findings[index]!;
    const codes: string[] = [];
    for (const finding of found) {
      counts[finding.severity]++;
      if (finding.severity !== "info") codes.push(finding.code);
      rows.push({ targetId: target.id, finding });
    }
    if (codes.length > 0) held.push({ targetId: target.id, codes });
  });
  const at = options.now.toISOString();
  await insertMany(trx, "findings", columns, rows.length, (row, out, offset) => {
    const { targetId, finding } = rows[row]!;
    out[offset] = targetId;
    out[offset + 1] = finding.check;
    out[offset + 2] = finding.severity;
    out[offset + 3] = finding.code;
    out[offset + 4] = finding.message;
    out[offset + 5] = storedEvidence(finding);
    out[offset + 6] = at;
  });
  await recordSnapshotAddresses(trx, order.id, rows, at);
  return { counts, held };
}

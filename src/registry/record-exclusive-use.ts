import { DecreeError } from "../errors/decree-error.ts";
import { exclusiveUseRecordedAction } from "../review/approval-policy.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { resolveTarget } from "./resolve-target.ts";

export interface ExclusiveUseInput {
  targetId: number;
  /** What the authority states: whose the address is, and that it serves only the order's sites. */
  statement: string;
  /** SHA-256 hex of the document that shows it (a host's letter, a contract, a capture). */
  documentSha256: string;
  actor: string;
  now: Date;
}

export interface RecordedExclusiveUse {
  statementId: number;
  targetId: number;
  orderId: number;
  address: string;
  documentSha256: string;
  recordedAt: string;
  recordedBy: string;
}

const sha256Hex = /^[0-9a-f]{64}$/;

/**
 * Records a statement that an address (an `ip` or `cidr` target) serves only its order's sites, with the hash
 * of the document that shows it: what approving an address needs when passive DNS does not show it clean. The
 * statement is public, on the portal and as the event's reason in the log, with the document's hash.
 */
export async function recordExclusiveUse(
  store: Store,
  input: ExclusiveUseInput,
): Promise<RecordedExclusiveUse> {
  const statement = input.statement.trim();
  const documentSha256 = input.documentSha256.trim().toLowerCase();
  if (statement === "" || statement.length > 4000) {
    throw new DecreeError(
      "EXCLUSIVE_USE_INVALID",
      "Say in the statement (1 to 4000 characters) whose the address is and that it serves only the order's sites.",
    );
  }
  if (!sha256Hex.test(documentSha256)) {
    throw new DecreeError(
      "EXCLUSIVE_USE_INVALID",
      `"${input.documentSha256}" is not a SHA-256 digest: give the document's 64 hex digits (sha256sum FILE).`,
    );
  }
  return inTransaction(store.db, async (trx) => {
    const target = await resolveTarget(trx, String(input.targetId), "approve");
    if (target.kind !== "ip" && target.kind !== "cidr") {
      throw new DecreeError(
        "EXCLUSIVE_USE_INVALID",
        `Target ${target.id} (${target.value}) is a ${target.kind}, not an address: a statement of exclusive ` +
          "use is about an ip or cidr target.",
      );
    }
    const recordedAt = input.now.toISOString();
    const { id } = await trx
      .insertInto("exclusive_use_statements")
      .values({
        address: target.value,
        order_id: target.orderId,
        statement,
        document_sha256: documentSha256,
        recorded_at: recordedAt,
        recorded_by: input.actor,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at: recordedAt,
        actor: input.actor,
        subject_type: "target",
        subject_id: target.id,
        action: exclusiveUseRecordedAction,
        from_state: target.state,
        to_state: target.state,
        reason: statement,
        data: { statementId: Number(id), address: target.value, documentSha256 },
      },
    ]);
    return {
      statementId: Number(id),
      targetId: target.id,
      orderId: target.orderId,
      address: target.value,
      documentSha256,
      recordedAt,
      recordedBy: input.actor,
    };
  });
}

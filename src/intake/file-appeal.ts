import { digestSecret, newSecret } from "../accounts/secrets.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { AppealInput } from "./appeal.ts";
import { findAppealedEntry } from "./find-appealed-entry.ts";

export interface FiledAppeal {
  id: number;
  /** The follow token: shown to the appellant once, kept only as its SHA-256. */
  token: string;
  targetId: number;
  orderId: number;
  state: "open";
  filedAt: string;
}

/** Who the event log names for an appeal: the appellant has no account, and their address stays private. */
export const appellantActor = "public:appellant";

/**
 * Files an appeal against an entry, by anyone. The event records the appeal and its reason (public) but not
 * the contact address (personal data, kept in the appeals table only, GDPR art. 5(1)(c) data minimisation).
 */
export async function fileAppeal(
  store: Store,
  input: AppealInput,
  options: { now: Date },
): Promise<FiledAppeal> {
  return inTransaction(store.db, async (trx) => {
    const target = await findAppealedEntry(trx, input.target, input.order);
    const token = newSecret();
    const at = options.now.toISOString();
    const row = await trx
      .insertInto("appeals")
      .values({
        token_hash: digestSecret(token),
        target_id: target.id,
        order_id: target.orderId,
        reason: input.reason,
        contact_email: input.contact,
        state: "open",
        filed_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await appendEvents(trx, [
      {
        at,
        actor: appellantActor,
        subject_type: "appeal",
        subject_id: id,
        action: "appeal.filed",
        from_state: null,
        to_state: "open",
        reason: input.reason,
        data: { targetId: target.id, orderId: target.orderId },
      },
    ]);
    return { id, token, targetId: target.id, orderId: target.orderId, state: "open", filedAt: at };
  });
}

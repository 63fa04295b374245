import { DecreeError } from "../../errors/decree-error.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import type { WebhookContext } from "./register-webhook.ts";

/**
 * Stops a webhook: nothing more is sent to it, and deliveries still waiting are dropped. The row stays
 * (records are immutable). Another organisation's webhook is answered as a missing one, so ids reveal
 * nothing.
 */
export async function disableWebhook(store: Store, webhookId: number, context: WebhookContext) {
  return inTransaction(store.db, async (trx) => {
    const at = context.now.toISOString();
    const result = await trx
      .updateTable("webhooks")
      .set({ disabled_at: at })
      .where("id", "=", webhookId)
      .where("organisation_id", "=", context.organisationId)
      .where("disabled_at", "is", null)
      .executeTakeFirst();
    if (result.numUpdatedRows !== 1n) {
      throw new DecreeError(
        "WEBHOOK_NOT_FOUND",
        `Your organisation has no webhook ${webhookId}; GET /webhooks lists yours.`,
      );
    }
    await trx
      .updateTable("webhook_deliveries")
      .set({ status: "failed", next_attempt_at: null, last_error: "webhook deleted" })
      .where("webhook_id", "=", webhookId)
      .where("status", "=", "pending")
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "webhook",
        subject_id: webhookId,
        action: "webhook.disabled",
        data: { organisationId: context.organisationId },
      },
    ]);
    return { id: webhookId, disabledAt: at };
  });
}

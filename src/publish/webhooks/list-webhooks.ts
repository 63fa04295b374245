import type { Kysely } from "kysely";
import type { Database } from "../../store/database.ts";

/** An organisation's webhooks with how their deliveries stand; never the secret, which was shown once. */
export async function listWebhooks(db: Kysely<Database>, organisationId: number) {
  const hooks = await db
    .selectFrom("webhooks")
    .select(["id", "url", "created_at", "last_release_id", "language"])
    .where("organisation_id", "=", organisationId)
    .where("disabled_at", "is", null)
    .orderBy("id")
    .execute();
  const result = [];
  for (const hook of hooks) {
    const deliveries = await db
      .selectFrom("webhook_deliveries")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("webhook_id", "=", hook.id)
      .groupBy("status")
      .execute();
    const last = await db
      .selectFrom("webhook_deliveries")
      .select(["serial", "status", "attempt", "delivered_at", "next_attempt_at", "last_error"])
      .where("webhook_id", "=", hook.id)
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    result.push({
      id: Number(hook.id),
      url: hook.url,
      createdAt: hook.created_at,
      language: hook.language,
      deliveries: Object.fromEntries(deliveries.map((row) => [row.status, Number(row.n)])),
      lastDelivery: last
        ? {
            serial: Number(last.serial),
            status: last.status,
            attempts: last.attempt,
            deliveredAt: last.delivered_at,
            nextAttemptAt: last.next_attempt_at,
            lastError: last.last_error,
          }
        : null,
    });
  }
  return result;
}

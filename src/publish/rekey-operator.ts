import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { type AddedOperator, findOperatorRow, operatorFromRow, tsigKeyName } from "./operators.ts";

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `7d`, `12h`, `30m`, `0s`: how long the replaced key keeps working. */
export function parseGrace(text: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match) {
    throw new DecreeError(
      "OPERATOR_INVALID",
      `--grace ${text} is not a duration: give a number and s, m, h or d, e.g. 7d or 12h (0s ends the old key now).`,
    );
  }
  return Number(match[1]) * units[match[2]!]!;
}

/**
 * Issues a new TSIG key under a new key name (RFC 8945 §4.2: the name identifies the key, so secondaries can
 * hold both while they switch) and keeps the old one valid for the grace period; a key in grace from an
 * earlier re-key ends at once. The secret is returned once, like at registration.
 */
export async function rekeyOperator(
  db: Kysely<Database>,
  name: string,
  options: { actor: string; now: Date; graceMs: number },
): Promise<AddedOperator> {
  return inTransaction(db, async (trx) => {
    const row = await findOperatorRow(trx, name);
    if (!row.tsig_key_name || !row.tsig_secret) {
      throw new DecreeError(
        "OPERATOR_NO_KEY",
        `Operator ${name} has no TSIG key to replace: it transfers by address (--allow); register a keyed operator instead.`,
      );
    }
    const secret = randomBytes(32).toString("base64");
    const keyName = tsigKeyName(`${row.name}-${randomBytes(3).toString("hex")}`);
    const validUntil = new Date(options.now.getTime() + options.graceMs).toISOString();
    const updated = await trx
      .updateTable("operators")
      .set({
        tsig_key_name: keyName,
        tsig_secret: secret,
        previous_tsig_key_name: row.tsig_key_name,
        previous_tsig_secret: row.tsig_secret,
        previous_key_valid_until: validUntil,
      })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendEvents(trx, [
      {
        at: options.now.toISOString(),
        actor: options.actor,
        subject_type: "operator",
        subject_id: Number(row.id),
        action: "operator.rekeyed",
        from_state: null,
        to_state: null,
        reason: null,
        // The key names and the end of the grace, never a secret.
        data: {
          name: row.name,
          keyName,
          previousKeyName: row.tsig_key_name,
          previousKeyValidUntil: validUntil,
        },
      },
    ]);
    return { operator: operatorFromRow(updated), secret };
  });
}

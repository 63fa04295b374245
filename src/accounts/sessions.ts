import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { ChangeContext } from "./change-context.ts";
import { decoyPasswordHash, verifyPassword } from "./passwords.ts";
import type { Principal } from "./principal.ts";
import { digestSecret, newSecret, secretMatches } from "./secrets.ts";
import { passwordHashOf } from "./users.ts";

/** A working day: a browser session is signed in again each morning rather than living for weeks. */
export const sessionLifetimeMs = 12 * 3600 * 1000;

export interface OpenedSession {
  /** The cookie's value: shown to the browser once, stored as its SHA-256. */
  sessionId: string;
  /** The CSRF token the web UI sends back in `X-CSRF-Token` on unsafe requests; stored as its SHA-256. */
  csrfToken: string;
  expiresAt: string;
  userId: number;
}

/**
 * Signs a user in with email and password. Every failure (unknown email, no password, disabled, wrong password)
 * is the same AUTH_LOGIN_FAILED after the same scrypt work, so that the answer does not reveal who has an account.
 */
export async function openSession(
  db: Kysely<Database>,
  input: { email: string; password: string },
  context: Omit<ChangeContext, "actor">,
): Promise<OpenedSession> {
  const account = await passwordHashOf(db, input.email);
  const matches = await verifyPassword(input.password, account?.passwordHash ?? (await decoyPasswordHash()));
  if (!account || !matches) {
    throw new DecreeError("AUTH_LOGIN_FAILED", "Wrong email or password; check both and try again.");
  }
  const sessionId = newSecret();
  const csrfToken = newSecret();
  const at = context.now.toISOString();
  const expiresAt = new Date(context.now.getTime() + sessionLifetimeMs).toISOString();
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto("sessions")
      .values({
        id_hash: digestSecret(sessionId),
        user_id: account.userId,
        csrf_token_hash: digestSecret(csrfToken),
        created_at: at,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: `user:${account.userId}`,
        subject_type: "user",
        subject_id: account.userId,
        action: "session.opened",
        data: { expiresAt },
      },
    ]);
  });
  return { sessionId, csrfToken, expiresAt, userId: account.userId };
}

export interface SessionPrincipal {
  principal: Principal;
  /** The stored digest of the session's CSRF token, for `csrfTokenMatches`. */
  csrfTokenHash: string;
}

/** The principal of a live session, or null for an unknown, expired or revoked one, or a disabled user. */
export async function principalForSession(
  db: Kysely<Database>,
  sessionId: string,
  now: Date,
): Promise<SessionPrincipal | null> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "sessions.csrf_token_hash",
      "users.id as user_id",
      "users.role",
      "organisations.id as organisation_id",
      "organisations.name as organisation_name",
    ])
    .where("sessions.id_hash", "=", digestSecret(sessionId))
    .where("sessions.revoked_at", "is", null)
    .where("sessions.expires_at", ">", now.toISOString())
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  return {
    principal: {
      userId: Number(row.user_id),
      organisationId: Number(row.organisation_id),
      organisationName: row.organisation_name,
      role: row.role,
      via: "session",
    },
    csrfTokenHash: row.csrf_token_hash,
  };
}

export function csrfTokenMatches(presented: string | undefined, storedHash: string): boolean {
  return presented !== undefined && presented.length > 0 && secretMatches(presented, storedHash);
}

/** Signs out: the session is revoked (kept, as every record is). Closing a closed session changes nothing. */
export async function closeSession(
  db: Kysely<Database>,
  sessionId: string,
  context: ChangeContext,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const idHash = digestSecret(sessionId);
    const row = await trx
      .selectFrom("sessions")
      .select(["user_id", "revoked_at"])
      .where("id_hash", "=", idHash)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return;
    const at = context.now.toISOString();
    await trx.updateTable("sessions").set({ revoked_at: at }).where("id_hash", "=", idHash).execute();
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "user",
        subject_id: Number(row.user_id),
        action: "session.closed",
      },
    ]);
  });
}

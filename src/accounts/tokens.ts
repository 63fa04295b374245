import type { Kysely, Selectable } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import { compiledOnce } from "../store/compiled-once.ts";
import type { ApiTokensTable, Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { ChangeContext } from "./change-context.ts";
import type { Principal } from "./principal.ts";
import { digestSecret, newSecret } from "./secrets.ts";
import { findUser } from "./users.ts";

/** Every token starts so, which lets secret scanners recognise a leaked one and the auth plugin tell ours apart. */
export const tokenPrefix = "dct_";
const day = 24 * 3600 * 1000;
export const defaultTokenLifetimeMs = 90 * day;
/** Long-lived credentials are how breaches last: a year at most, then a new token. */
export const maxTokenLifetimeMs = 366 * day;
// Writing last_used_at on every request would turn each read into a write; a minute's precision is enough to
// tell a token in use from an abandoned one.
const lastUsedPrecisionMs = 60_000;

export interface TokenInfo {
  id: number;
  userId: number;
  label: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface IssuedToken {
  id: number;
  /** The token itself: shown this once, stored only as its SHA-256. */
  token: string;
  expiresAt: string;
}

/** Issues an API token for a user; it carries the user's role and organisation. */
export async function issueToken(
  db: Kysely<Database>,
  input: { userId: number; label?: string | undefined; expiresAt?: Date | undefined },
  context: ChangeContext,
): Promise<IssuedToken> {
  const expiresAt = input.expiresAt ?? new Date(context.now.getTime() + defaultTokenLifetimeMs);
  checkExpiry(expiresAt, context.now);
  const label = input.label?.trim() || null;
  if (label !== null && (label.length > 100 || /\p{Cc}/u.test(label))) {
    throw new DecreeError(
      "TOKEN_INVALID",
      "A token's label needs at most 100 characters, without control ones.",
    );
  }
  const token = newSecret(tokenPrefix);
  return inTransaction(db, async (trx) => {
    const user = await findUser(trx, input.userId);
    if (user.disabledAt !== null) {
      throw new DecreeError(
        "USER_DISABLED",
        `User ${user.id} is disabled since ${user.disabledAt}: no new tokens.`,
      );
    }
    const at = context.now.toISOString();
    const row = await trx
      .insertInto("api_tokens")
      .values({
        user_id: user.id,
        token_hash: digestSecret(token),
        label,
        created_at: at,
        expires_at: expiresAt.toISOString(),
        revoked_at: null,
        last_used_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "api-token",
        subject_id: id,
        action: "token.issued",
        to_state: "active",
        data: { userId: user.id, label, expiresAt: expiresAt.toISOString() },
      },
    ]);
    return { id, token, expiresAt: expiresAt.toISOString() };
  });
}

function checkExpiry(expiresAt: Date, now: Date): void {
  const lifetime = expiresAt.getTime() - now.getTime();
  if (Number.isNaN(lifetime) || lifetime <= 0 || lifetime > maxTokenLifetimeMs) {
    throw new DecreeError(
      "TOKEN_INVALID",
      "A token must expire in the future and within 366 days; issue a new one before it does.",
    );
  }
}

export async function listTokens(
  db: Kysely<Database>,
  filter: { userId?: number } = {},
): Promise<TokenInfo[]> {
  let query = db.selectFrom("api_tokens").selectAll();
  if (filter.userId !== undefined) query = query.where("user_id", "=", filter.userId);
  const rows = await query.orderBy("id").execute();
  return rows.map(tokenFromRow);
}

/**
 * Revokes a token. `ownerId` limits it to that user's tokens: someone else's token is answered as not found, so
 * that ids cannot be probed. Revoking a revoked token changes nothing.
 */
export async function revokeToken(
  db: Kysely<Database>,
  input: { id: number; ownerId?: number | undefined; reason?: string | undefined },
  context: ChangeContext,
): Promise<TokenInfo> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom("api_tokens").selectAll().where("id", "=", input.id).executeTakeFirst();
    if (!row || (input.ownerId !== undefined && Number(row.user_id) !== input.ownerId)) {
      throw new DecreeError(
        "TOKEN_NOT_FOUND",
        `There is no token ${input.id} of yours; GET /tokens lists them.`,
      );
    }
    if (row.revoked_at !== null) return tokenFromRow(row);
    const at = context.now.toISOString();
    await trx.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", row.id).execute();
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "api-token",
        subject_id: Number(row.id),
        action: "token.revoked",
        from_state: "active",
        to_state: "revoked",
        reason: input.reason ?? null,
        data: { userId: Number(row.user_id) },
      },
    ]);
    return tokenFromRow({ ...row, revoked_at: at });
  });
}

/** Every request presenting a token runs it (auth-plugin.ts, and the feeds' hot poll): compiled once. */
const tokenByDigest = compiledOnce((db: Kysely<Database>) =>
  db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "api_tokens.id",
      "api_tokens.expires_at",
      "api_tokens.revoked_at",
      "api_tokens.last_used_at",
      "users.id as user_id",
      "users.role",
      "users.disabled_at",
      "organisations.id as organisation_id",
      "organisations.name as organisation_name",
    ])
    .where("api_tokens.token_hash", "=", ""),
);

/**
 * Who a presented token belongs to. Refusals carry a precise code (invalid, expired, revoked, account disabled)
 * for the log; the HTTP layer answers them all alike.
 */
export async function principalForToken(db: Kysely<Database>, token: string, now: Date): Promise<Principal> {
  // Looked up by digest through a unique index: comparing digests leaks nothing useful about the token itself.
  const [row] = (await db.executeQuery(tokenByDigest(db, [digestSecret(token)]))).rows;
  if (!row) throw new DecreeError("AUTH_TOKEN_INVALID", "No such token.");
  if (row.revoked_at !== null) throw new DecreeError("AUTH_TOKEN_REVOKED", `Token ${row.id} was revoked.`);
  if (row.expires_at <= now.toISOString()) {
    throw new DecreeError("AUTH_TOKEN_EXPIRED", `Token ${row.id} expired at ${row.expires_at}.`);
  }
  if (row.disabled_at !== null) {
    throw new DecreeError("AUTH_ACCOUNT_DISABLED", `Token ${row.id}'s user ${row.user_id} is disabled.`);
  }
  await noteUse(db, Number(row.id), row.last_used_at, now);
  return {
    userId: Number(row.user_id),
    organisationId: Number(row.organisation_id),
    organisationName: row.organisation_name,
    role: row.role,
    via: "token",
  };
}

/** Bookkeeping, not a change of state: no event. */
async function noteUse(
  db: Kysely<Database>,
  id: number,
  lastUsedAt: string | null,
  now: Date,
): Promise<void> {
  if (lastUsedAt !== null && now.getTime() - Date.parse(lastUsedAt) < lastUsedPrecisionMs) return;
  await db.updateTable("api_tokens").set({ last_used_at: now.toISOString() }).where("id", "=", id).execute();
}

function tokenFromRow(row: Selectable<ApiTokensTable>): TokenInfo {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

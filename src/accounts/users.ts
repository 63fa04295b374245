import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { ChangeContext } from "./change-context.ts";
import { hashPassword } from "./passwords.ts";
import { isRole, type Role, roles } from "./roles.ts";

export interface User {
  id: number;
  organisationId: number;
  organisationName: string;
  email: string;
  role: Role;
  /** Whether the user can sign in to the web UI; token-only users (scripts, resolvers) have no password. */
  hasPassword: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface NewUser {
  organisationId: number;
  email: string;
  role: string;
  password?: string | undefined;
}

// Deliberately loose (RFC 5321 addresses are too varied to validate by pattern): one @, a dot in the domain,
// no spaces, within the 254 octets a forward path allows.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A user of one organisation, with one role; the password (optional) is stored as a salted scrypt hash. */
export async function createUser(
  db: Kysely<Database>,
  input: NewUser,
  context: ChangeContext,
): Promise<User> {
  const email = normalizeEmail(input.email);
  if (!emailPattern.test(email) || email.length > 254) {
    throw new DecreeError(
      "USER_INVALID",
      `"${input.email}" is not an email address; write e.g. ops@isp.example.`,
    );
  }
  if (!isRole(input.role)) {
    throw new DecreeError("USER_INVALID", `"${input.role}" is not a role; use one of: ${roles.join(", ")}.`);
  }
  const role = input.role;
  // Hashed before the transaction: scrypt takes a quarter of a second and should not hold a write lock.
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return inTransaction(db, async (trx) => {
    const organisation = await trx
      .selectFrom("organisations")
      .select(["id", "name"])
      .where("id", "=", input.organisationId)
      .executeTakeFirst();
    if (!organisation) {
      throw new DecreeError(
        "ORGANISATION_NOT_FOUND",
        `There is no organisation ${input.organisationId}; create it first (POST /accounts/organisations).`,
      );
    }
    const clash = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    if (clash) {
      throw new DecreeError("USER_DUPLICATE", `A user with email ${email} exists (id ${clash.id}).`);
    }
    const at = context.now.toISOString();
    const row = await trx
      .insertInto("users")
      .values({
        organisation_id: input.organisationId,
        email,
        role,
        password_hash: passwordHash,
        created_at: at,
        disabled_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    // No email in the event: the log is meant to be public (see principal.ts).
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "user",
        subject_id: id,
        action: "user.created",
        data: { organisationId: input.organisationId, role, password: passwordHash !== null },
      },
    ]);
    return {
      id,
      organisationId: Number(organisation.id),
      organisationName: organisation.name,
      email,
      role,
      hasPassword: passwordHash !== null,
      createdAt: at,
      disabledAt: null,
    };
  });
}

function usersQuery(db: Kysely<Database>) {
  return db
    .selectFrom("users")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "users.id",
      "users.organisation_id",
      "organisations.name as organisation_name",
      "users.email",
      "users.role",
      "users.password_hash",
      "users.created_at",
      "users.disabled_at",
    ]);
}

type UserRow = Awaited<ReturnType<ReturnType<typeof usersQuery>["executeTakeFirstOrThrow"]>>;

function userFromRow(row: UserRow): User {
  return {
    id: Number(row.id),
    organisationId: Number(row.organisation_id),
    organisationName: row.organisation_name,
    email: row.email,
    role: row.role,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

export async function listUsers(
  db: Kysely<Database>,
  filter: { organisationId?: number } = {},
): Promise<User[]> {
  let query = usersQuery(db);
  if (filter.organisationId !== undefined)
    query = query.where("users.organisation_id", "=", filter.organisationId);
  const rows = await query.orderBy("organisations.name").orderBy("users.email").execute();
  return rows.map(userFromRow);
}

export async function findUser(db: Kysely<Database>, id: number): Promise<User> {
  const row = await usersQuery(db).where("users.id", "=", id).executeTakeFirst();
  if (!row)
    throw new DecreeError("USER_NOT_FOUND", `There is no user ${id}; GET /accounts/users lists them.`);
  return userFromRow(row);
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<User> {
  const row = await usersQuery(db).where("users.email", "=", normalizeEmail(email)).executeTakeFirst();
  if (!row) {
    throw new DecreeError("USER_NOT_FOUND", `There is no user ${email}; see \`decree accounts list\`.`);
  }
  return userFromRow(row);
}

/** The stored password hash of an enabled user, for login; null when there is no such user or no password. */
export async function passwordHashOf(
  db: Kysely<Database>,
  email: string,
): Promise<{ userId: number; passwordHash: string } | null> {
  const row = await db
    .selectFrom("users")
    .select(["id", "password_hash"])
    .where("email", "=", normalizeEmail(email))
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  if (!row?.password_hash) return null;
  return { userId: Number(row.id), passwordHash: row.password_hash };
}

/**
 * Disables a user: their tokens and sessions stop working at once (both are checked against `disabled_at`),
 * and their open sessions are revoked. Disabling a disabled user changes nothing.
 */
export async function disableUser(
  db: Kysely<Database>,
  input: { userId: number; reason?: string | undefined },
  context: ChangeContext,
): Promise<User> {
  return inTransaction(db, async (trx) => {
    const user = await findUser(trx, input.userId);
    if (user.disabledAt !== null) return user;
    const at = context.now.toISOString();
    await trx.updateTable("users").set({ disabled_at: at }).where("id", "=", user.id).execute();
    await trx
      .updateTable("sessions")
      .set({ revoked_at: at })
      .where("user_id", "=", user.id)
      .where("revoked_at", "is", null)
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "user",
        subject_id: user.id,
        action: "user.disabled",
        from_state: "enabled",
        to_state: "disabled",
        reason: input.reason ?? null,
      },
    ]);
    return { ...user, disabledAt: at };
  });
}

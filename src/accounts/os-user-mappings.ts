import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Database } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import type { Role } from "../vocabulary/vocabulary.ts";
import type { ChangeContext } from "./change-context.ts";
import { findUserByEmail, normalizeEmail } from "./users.ts";

export interface OsUserMapping {
  osUser: string;
  userId: number;
  email: string;
  role: Role;
  origin: "store-creator" | "admin";
  createdAt: string;
  createdBy: string;
}

/** The organisation and domain of the account the store's creator gets; `.localhost` never leaves the machine (RFC 6761 §6.3). */
const localOrganisation = "local shell";
const localAccountDomain = "shell.localhost";

// POSIX portable user names (IEEE 1003.1 §3.437) plus the `$` Samba machine accounts end with; no spaces, no
// slashes, nothing a log line could be forged with.
const osUserPattern = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\$?$/;

function checkOsUser(osUser: string): string {
  if (!osUserPattern.test(osUser)) {
    throw new DecreeError(
      "OS_USER_INVALID",
      `"${osUser}" is not an operating-system user name; write it as \`id -un\` prints it (letters, digits, . _ -).`,
    );
  }
  return osUser;
}

function mappingsQuery(db: Kysely<Database>) {
  return db
    .selectFrom("os_user_mappings")
    .innerJoin("users", "users.id", "os_user_mappings.user_id")
    .select([
      "os_user_mappings.os_user",
      "os_user_mappings.user_id",
      "os_user_mappings.origin",
      "os_user_mappings.created_at",
      "os_user_mappings.created_by",
      "users.email",
      "users.role",
    ]);
}

type MappingRow = Awaited<ReturnType<ReturnType<typeof mappingsQuery>["executeTakeFirstOrThrow"]>>;

function mappingFromRow(row: MappingRow): OsUserMapping {
  return {
    osUser: row.os_user,
    userId: Number(row.user_id),
    email: row.email,
    role: row.role,
    origin: row.origin === "store-creator" ? "store-creator" : "admin",
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export async function listOsUserMappings(db: Kysely<Database>): Promise<OsUserMapping[]> {
  const rows = await mappingsQuery(db).orderBy("os_user_mappings.os_user").execute();
  return rows.map(mappingFromRow);
}

/** The account an OS user acts as from the shell without a password or token; undefined when none. */
export async function mappingOfOsUser(
  db: Kysely<Database>,
  osUser: string,
): Promise<OsUserMapping | undefined> {
  const row = await mappingsQuery(db).where("os_user_mappings.os_user", "=", osUser).executeTakeFirst();
  return row ? mappingFromRow(row) : undefined;
}

/** The OS user who created the store (the first to open it with a shell command), once recorded. */
export async function storeCreator(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom("os_user_mappings")
    .select("os_user")
    .where("origin", "=", "store-creator")
    .executeTakeFirst();
  return row?.os_user;
}

/** Whether any OS user was ever mapped: then the store has its creator, even one an admin unmapped since. */
async function everMapped(db: Kysely<Database>): Promise<boolean> {
  const mapping = await db.selectFrom("os_user_mappings").select("os_user").limit(1).executeTakeFirst();
  if (mapping) return true;
  const event = await db
    .selectFrom("events")
    .select("id")
    .where("subject_type", "=", "user")
    .where("action", "=", "os-user.mapped")
    .limit(1)
    .executeTakeFirst();
  return event !== undefined;
}

/**
 * Lets an OS user act from the shell as an account (an admin's decision): replaces the user's earlier mapping.
 * The account must exist and be enabled; a disabled account's mapping stops working with it.
 */
export async function mapOsUser(
  db: Kysely<Database>,
  input: { osUser: string; email: string },
  context: ChangeContext,
): Promise<OsUserMapping> {
  const osUser = checkOsUser(input.osUser);
  return inTransaction(db, async (trx) => {
    const user = await findUserByEmail(trx, input.email);
    if (user.disabledAt !== null) {
      throw new DecreeError("USER_DISABLED", `User ${user.email} is disabled since ${user.disabledAt}.`);
    }
    const at = context.now.toISOString();
    const existing = await mappingOfOsUser(trx, osUser);
    if (existing) await trx.deleteFrom("os_user_mappings").where("os_user", "=", osUser).execute();
    await trx
      .insertInto("os_user_mappings")
      .values({
        os_user: osUser,
        user_id: user.id,
        origin: "admin",
        created_at: at,
        created_by: context.actor,
      })
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor: context.actor,
        subject_type: "user",
        subject_id: user.id,
        action: "os-user.mapped",
        data: { osUser, ...(existing ? { previousUserId: existing.userId } : {}) },
      },
    ]);
    return (await mappingOfOsUser(trx, osUser))!;
  });
}

/** Ends an OS user's mapping; from then on it proves who it is with a password or token. */
export async function unmapOsUser(
  db: Kysely<Database>,
  osUser: string,
  context: ChangeContext,
): Promise<OsUserMapping> {
  return inTransaction(db, async (trx) => {
    const existing = await mappingOfOsUser(trx, checkOsUser(osUser));
    if (!existing) {
      throw new DecreeError(
        "OS_USER_NOT_MAPPED",
        `The OS user ${osUser} acts as no account; \`decree accounts os-users\` lists the mappings.`,
      );
    }
    await trx.deleteFrom("os_user_mappings").where("os_user", "=", existing.osUser).execute();
    await appendEvents(trx, [
      {
        at: context.now.toISOString(),
        actor: context.actor,
        subject_type: "user",
        subject_id: existing.userId,
        action: "os-user.unmapped",
        data: { osUser: existing.osUser },
      },
    ]);
    return existing;
  });
}

/**
 * The first OS user to open a store from the shell (`decree serve`, which `npm start` runs, or any other command)
 * is its creator: they hold the database file, and get an account of their own, `OSUSER@shell.localhost`, an
 * authority of the "local shell" organisation, mapped to them. This keeps the quick start working (the person
 * who ran `npm start` suspends an entry with no more ado) while every decision still names an account. Runs once
 * per store (never again once any OS user was mapped); an admin may disable the account or map the OS user elsewhere later.
 */
export async function ensureStoreCreator(
  db: Kysely<Database>,
  osUser: string,
  now: Date,
): Promise<OsUserMapping | undefined> {
  if (await everMapped(db)) return undefined;
  if (!osUserPattern.test(osUser)) return undefined;
  return inTransaction(db, async (trx) => {
    if (await everMapped(trx)) return undefined;
    const at = now.toISOString();
    const actor = `os-user:${osUser}`;
    let organisation = await trx
      .selectFrom("organisations")
      .select("id")
      .where("name", "=", localOrganisation)
      .executeTakeFirst();
    if (!organisation) {
      organisation = await trx
        .insertInto("organisations")
        .values({ name: localOrganisation, created_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [
        {
          at,
          actor,
          subject_type: "organisation",
          subject_id: Number(organisation.id),
          action: "organisation.created",
          data: { name: localOrganisation },
        },
      ]);
    }
    const email = normalizeEmail(`${osUser.replace(/\$$/, "")}@${localAccountDomain}`);
    let user = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
    if (!user) {
      user = await trx
        .insertInto("users")
        .values({
          organisation_id: Number(organisation.id),
          email,
          role: "authority",
          password_hash: null,
          created_at: at,
          disabled_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await appendEvents(trx, [
        {
          at,
          actor,
          subject_type: "user",
          subject_id: Number(user.id),
          action: "user.created",
          data: { organisationId: Number(organisation.id), role: "authority", password: false },
        },
      ]);
    }
    const userId = Number(user.id);
    await trx
      .insertInto("os_user_mappings")
      .values({
        os_user: osUser,
        user_id: userId,
        origin: "store-creator",
        created_at: at,
        created_by: actor,
      })
      .execute();
    await appendEvents(trx, [
      {
        at,
        actor,
        subject_type: "user",
        subject_id: userId,
        action: "os-user.mapped",
        data: { osUser, origin: "store-creator" },
      },
    ]);
    return (await mappingOfOsUser(trx, osUser))!;
  });
}

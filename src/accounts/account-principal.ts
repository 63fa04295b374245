import type { Kysely } from "kysely";
import { DecreeError } from "../errors/decree-error.ts";
import type { Database } from "../store/database.ts";
import { decoyPasswordHash, verifyPassword } from "./passwords.ts";
import type { Principal } from "./principal.ts";
import { findUser, passwordHashOf } from "./users.ts";

/**
 * A user as the principal of a shell command: what the HTTP layer builds from a token or session, built here
 * from an account the shell proved it is. A disabled account acts no more, however it was proven.
 */
export async function principalOfUser(
  db: Kysely<Database>,
  userId: number,
  via: Principal["via"],
): Promise<Principal> {
  const user = await findUser(db, userId);
  if (user.disabledAt !== null) {
    throw new DecreeError(
      "AUTH_ACCOUNT_DISABLED",
      `The account ${user.email} is disabled since ${user.disabledAt}; an admin enables another for you.`,
    );
  }
  return {
    userId: user.id,
    organisationId: user.organisationId,
    organisationName: user.organisationName,
    role: user.role,
    via,
  };
}

/**
 * The account an email and password prove, after the same scrypt work whatever is wrong (unknown email, no
 * password, disabled, wrong password), as a login does: the answer does not tell which accounts exist.
 */
export async function principalByPassword(
  db: Kysely<Database>,
  email: string,
  password: string,
): Promise<Principal> {
  const account = await passwordHashOf(db, email);
  const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyPasswordHash()));
  if (!account || !matches) {
    throw new DecreeError(
      "CLI_IDENTITY_UNPROVEN",
      `Wrong password for ${email}, or no such enabled account with a password; check both.`,
    );
  }
  return principalOfUser(db, account.userId, "password");
}

import type { Command } from "commander";
import { principalByPassword, principalOfUser } from "../accounts/account-principal.ts";
import { mappingOfOsUser, storeCreator } from "../accounts/os-user-mappings.ts";
import { actorFor, type Principal } from "../accounts/principal.ts";
import { principalForToken } from "../accounts/tokens.ts";
import { findUserByEmail, normalizeEmail } from "../accounts/users.ts";
import { DecreeError, isDecreeError } from "../errors/decree-error.ts";
import { may, type Permission, policy } from "../review/permissions.ts";
import type { NewEvent } from "../store/append-events.ts";
import { appendEvents } from "../store/append-events.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { currentOsUser } from "./cli-context.ts";
import { promptHidden, readStdinSecret } from "./read-secret.ts";

/** Who a shell command acts as: an account, proven, and the OS user who ran it. */
export interface CliIdentity {
  principal: Principal;
  email: string;
  /** What the event log names: `user:ID`, as for the same account over HTTP. */
  actor: string;
  osUser: string;
  proof: "password" | "token" | "os-user";
}

export interface IdentityOptions {
  as?: string;
  token?: string;
  passwordStdin?: boolean;
}

/** The options that prove an account, added to every command that acts as one. */
export function withIdentityOptions(command: Command, { password = true } = {}): Command {
  command.option("--token <token>", "act as this API token's account (env DECREE_TOKEN)");
  if (password)
    command.option("--password-stdin", "prove --as EMAIL with its password, read from standard input");
  return command;
}

/**
 * Proves which account runs a command. In order: a token (`--token`, else DECREE_TOKEN), which must be the
 * `--as` account's when both are given; `--as EMAIL` with `--password-stdin`; `--as EMAIL` that the OS user is
 * mapped to; `--as EMAIL` with a password typed at a prompt (a terminal only); no `--as`: the OS user's mapping.
 * Nothing else: a string that names no account, or one not proven, acts as no one.
 */
export async function identify(
  command: Command,
  store: Store,
  options: IdentityOptions,
): Promise<CliIdentity> {
  const osUser = currentOsUser();
  const named = options.as === undefined ? undefined : normalizeEmail(options.as);
  const token = options.token ?? process.env.DECREE_TOKEN;
  if (token) {
    let principal: Principal;
    try {
      principal = await principalForToken(store.db, token, new Date());
    } catch (error) {
      if (!isDecreeError(error)) throw error;
      throw new DecreeError("CLI_IDENTITY_UNPROVEN", `The token does not prove an account: ${error.message}`);
    }
    const user = await findUserEmail(store, principal.userId);
    if (named !== undefined && named !== user) {
      throw new DecreeError(
        "CLI_IDENTITY_UNPROVEN",
        `The token is ${user}'s, not ${named}'s; give the token of the account --as names, or leave --as out.`,
      );
    }
    return identity(principal, user, osUser, "token");
  }
  if (named === undefined) {
    if (options.passwordStdin) {
      throw new DecreeError(
        "CLI_IDENTITY_REQUIRED",
        "--password-stdin proves an account: name it with --as EMAIL.",
      );
    }
    const mapping = await mappingOfOsUser(store.db, osUser);
    if (!mapping) {
      throw new DecreeError(
        "CLI_IDENTITY_REQUIRED",
        `${command.name()} acts as an account, and the OS user ${osUser} is mapped to none: add --as EMAIL ` +
          "--password-stdin, or --token (DECREE_TOKEN), or ask an admin for `decree accounts map-os-user " +
          `${osUser} EMAIL\`.`,
      );
    }
    return identity(
      await principalOfUser(store.db, mapping.userId, "os-user"),
      mapping.email,
      osUser,
      "os-user",
    );
  }
  // Refused as not found first: the shell reads the store anyway, and a typo deserves a plain answer.
  await findUserByEmail(store.db, named);
  if (options.passwordStdin) {
    const password = await readStdinSecret("the password");
    return identity(await principalByPassword(store.db, named, password), named, osUser, "password");
  }
  const mapping = await mappingOfOsUser(store.db, osUser);
  if (mapping && mapping.email === named) {
    return identity(await principalOfUser(store.db, mapping.userId, "os-user"), named, osUser, "os-user");
  }
  if (process.stdin.isTTY) {
    const password = await promptHidden(`password for ${named}: `);
    return identity(await principalByPassword(store.db, named, password), named, osUser, "password");
  }
  throw new DecreeError(
    "CLI_IDENTITY_UNPROVEN",
    `Acting as ${named} needs proof: --password-stdin, --token (DECREE_TOKEN), or a mapping of the OS user ` +
      `${osUser} to it (decree accounts map-os-user ${osUser} ${named}).`,
  );
}

async function findUserEmail(store: Store, userId: number): Promise<string> {
  const row = await store.db
    .selectFrom("users")
    .select("email")
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return row.email;
}

function identity(
  principal: Principal,
  email: string,
  osUser: string,
  proof: CliIdentity["proof"],
): CliIdentity {
  return { principal, email, actor: actorFor(principal), osUser, proof };
}

/** FORBIDDEN, as over HTTP, when the account's role lacks the permission. */
export function requireRole(identity: CliIdentity, permission: Permission, what: string): void {
  if (!may(identity.principal.role, permission)) {
    throw new DecreeError(
      "FORBIDDEN",
      `${identity.email} is a ${identity.principal.role} and may not ${what}; it needs the permission ` +
        `${permission}, given to: ${policy[permission].join(", ")}.`,
      { permission },
    );
  }
}

/**
 * Runs a shell command's change as a proven account holding `permission`, in one transaction with a
 * `cli.command` event naming the account, the OS user and the proof: the log says who did it from which shell.
 */
export async function actAs<T>(
  command: Command,
  store: Store,
  permission: Permission,
  what: string,
  work: (store: Store, identity: CliIdentity) => Promise<T>,
): Promise<T> {
  const who = await identify(command, store, identityOptionsOf(command));
  requireRole(who, permission, what);
  return inTransaction(store.db, async (trx) => {
    await appendEvents(trx, [cliCommandEvent(command, who)]);
    return work({ ...store, db: trx }, who);
  });
}

/**
 * Account administration from the shell: an admin's, or the store's creator's (who holds the database file
 * and created the first accounts), or anyone's while the store has no enabled admin yet (the first admin comes
 * from the shell). Returns the actor the log names.
 */
export async function administer<T>(
  command: Command,
  store: Store,
  work: (store: Store, actor: string) => Promise<T>,
): Promise<T> {
  const osUser = currentOsUser();
  const options = identityOptionsOf(command);
  const named = options.as !== undefined || options.token !== undefined || process.env.DECREE_TOKEN;
  const admin = await store.db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("disabled_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  let actor = `os-user:${osUser}`;
  let who: CliIdentity | undefined;
  if (named) {
    who = await identify(command, store, options);
    actor = who.actor;
  }
  const creator = (await storeCreator(store.db)) === osUser;
  if (admin && !creator) {
    who ??= await identify(command, store, options).catch((error: unknown) => {
      if (isDecreeError(error) && error.code === "CLI_IDENTITY_REQUIRED") {
        throw new DecreeError(
          "CLI_IDENTITY_REQUIRED",
          `Managing accounts needs an admin: --as ADMIN_EMAIL --password-stdin, --token, or run it as the OS ` +
            `user who created the store.`,
        );
      }
      throw error;
    });
    requireRole(who, "accounts:manage", "manage accounts");
    actor = who.actor;
  }
  return inTransaction(store.db, async (trx) => {
    await appendEvents(trx, [
      {
        at: new Date().toISOString(),
        actor,
        subject_type: "cli",
        subject_id: who?.principal.userId ?? 0,
        action: "cli.command",
        data: {
          command: commandPath(command),
          osUser,
          proof: who?.proof ?? (creator ? "store-creator" : "no-admin-yet"),
        },
      },
    ]);
    return work({ ...store, db: trx }, actor);
  });
}

export function identityOptionsOf(command: Command): IdentityOptions {
  const options = command.optsWithGlobals<IdentityOptions & { passwordStdin?: boolean }>();
  return {
    ...(options.as !== undefined ? { as: options.as } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.passwordStdin && isIdentityFlag(command) ? { passwordStdin: true } : {}),
  };
}

function isIdentityFlag(command: Command): boolean {
  // `accounts add-user --password-stdin` reads the NEW user's password, not the acting account's.
  return !(command.parent?.name() === "accounts" && command.name() === "add-user");
}

export function cliCommandEvent(command: Command, who: CliIdentity): NewEvent {
  return {
    at: new Date().toISOString(),
    actor: who.actor,
    subject_type: "cli",
    subject_id: who.principal.userId,
    action: "cli.command",
    data: { command: commandPath(command), osUser: who.osUser, proof: who.proof },
  };
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

import { Command, Option } from "commander";
import {
  createOrganisation,
  findOrganisationByName,
  listOrganisations,
} from "../../accounts/organisations.ts";
import { roles } from "../../accounts/roles.ts";
import { createUser, disableUser, findUserByEmail, listUsers, type User } from "../../accounts/users.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { actorOf, globalOptions, withStore } from "../cli-context.ts";
import { dateOnly, output, table } from "../output.ts";
import { readHiddenLine } from "../read-hidden-line.ts";

/** Bootstraps accounts from the shell: the first admin cannot be created over an API that needs an admin. */
export function accountsCommand(): Command {
  const accounts = new Command("accounts");

  accounts
    .command("add-org")
    .description("create an organisation (a court, a rights holder, an ISP, a search engine…)")
    .argument("<name>", 'its name, e.g. "Orange"')
    .action(async (name: string, _options: unknown, command: Command) => {
      const organisation = await withStore(command, (store) =>
        createOrganisation(store.db, { name }, { actor: actorOf(command), now: new Date() }),
      );
      output(
        globalOptions(command).json,
        { organisation },
        () => `created organisation ${organisation.name}`,
      );
    });

  accounts
    .command("add-user")
    .description("create a user in an organisation, with one role")
    .argument("<email>", "the user's email address")
    .requiredOption("--org <name>", "the user's organisation")
    .addOption(new Option("--role <role>", "what the user may do").choices(roles).makeOptionMandatory())
    .option("--password-stdin", "read a password for the web UI from standard input (else: tokens only)")
    .action(async (email: string, options: AddUserOptions, command: Command) => {
      const password = options.passwordStdin ? await readPassword() : undefined;
      const user = await withStore(command, async (store) => {
        const organisation = await findOrganisationByName(store.db, options.org);
        return createUser(
          store.db,
          { organisationId: organisation.id, email, role: options.role, password },
          { actor: actorOf(command), now: new Date() },
        );
      });
      output(globalOptions(command).json, { user }, () =>
        [
          `created ${user.role} ${user.email} in ${user.organisationName} (user ${user.id})`,
          `  a token for it: decree tokens create --user ${user.email}`,
        ].join("\n"),
      );
    });

  accounts
    .command("disable")
    .description("disable a user: their tokens and sessions stop working at once")
    .argument("<email>", "the user")
    .option("--reason <text>", "why, for the event log")
    .action(async (email: string, options: { reason?: string }, command: Command) => {
      const user = await withStore(command, async (store) => {
        const found = await findUserByEmail(store.db, email);
        return disableUser(
          store.db,
          { userId: found.id, reason: options.reason },
          { actor: actorOf(command), now: new Date() },
        );
      });
      output(
        globalOptions(command).json,
        { user },
        () => `disabled ${user.email} (since ${user.disabledAt})`,
      );
    });

  accounts
    .command("list")
    .description("list organisations and users")
    .action(async (_options: unknown, command: Command) => {
      const { organisations, users } = await withStore(command, async (store) => ({
        organisations: await listOrganisations(store.db),
        users: await listUsers(store.db),
      }));
      output(globalOptions(command).json, { organisations, users }, () =>
        organisations.length === 0 ? "no organisations yet: decree accounts add-org NAME" : usersTable(users),
      );
    });

  return accounts;
}

interface AddUserOptions {
  org: string;
  role: string;
  passwordStdin?: boolean;
}

function usersTable(users: User[]): string {
  return table([
    ["ID", "ORGANISATION", "EMAIL", "ROLE", "PASSWORD", "CREATED", "DISABLED"],
    ...users.map((user) => [
      String(user.id),
      user.organisationName,
      user.email,
      user.role,
      user.hasPassword ? "yes" : "no",
      dateOnly(user.createdAt),
      user.disabledAt ? dateOnly(user.disabledAt) : "",
    ]),
  ]);
}

/**
 * The password comes from standard input, never the command line (which `ps` and shell history show): piped in,
 * or typed at a terminal after a prompt, without echo.
 */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) return checkedPassword(await readHiddenLine("password (not shown): "));
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return checkedPassword(
    Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, ""),
  );
}

function checkedPassword(password: string): string {
  if (password.length === 0) {
    throw new DecreeError(
      "USER_INVALID",
      "--password-stdin read nothing: type it at the prompt, or pipe it in, e.g. < file.",
    );
  }
  return password;
}

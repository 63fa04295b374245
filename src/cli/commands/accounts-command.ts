import { Command, Option } from "commander";
import {
  createOrganisation,
  findOrganisationByName,
  listOrganisations,
} from "../../accounts/organisations.ts";
import { listOsUserMappings, mapOsUser, unmapOsUser } from "../../accounts/os-user-mappings.ts";
import { roles } from "../../accounts/roles.ts";
import { createUser, disableUser, findUserByEmail, listUsers, type User } from "../../accounts/users.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { globalOptions, withStore } from "../cli-context.ts";
import { administer, withIdentityOptions } from "../cli-identity.ts";
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
      const organisation = await withStore(command, (outer) =>
        administer(command, outer, (store, actor) =>
          createOrganisation(store.db, { name }, { actor, now: new Date() }),
        ),
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
      const user = await withStore(command, (outer) =>
        administer(command, outer, async (store, actor) => {
          const organisation = await findOrganisationByName(store.db, options.org);
          return createUser(
            store.db,
            { organisationId: organisation.id, email, role: options.role, password },
            { actor, now: new Date() },
          );
        }),
      );
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
      const user = await withStore(command, (outer) =>
        administer(command, outer, async (store, actor) => {
          const found = await findUserByEmail(store.db, email);
          return disableUser(
            store.db,
            { userId: found.id, reason: options.reason },
            { actor, now: new Date() },
          );
        }),
      );
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

  accounts
    .command("map-os-user")
    .description(
      "let an OS user act from the shell as an account, without a password (checked against os.userInfo())",
    )
    .argument("<os-user>", "the user name as `id -un` prints it")
    .argument("<email>", "the account it acts as")
    .action(async (osUser: string, email: string, _options: unknown, command: Command) => {
      const mapping = await withStore(command, (outer) =>
        administer(command, outer, (store, actor) =>
          mapOsUser(store.db, { osUser, email }, { actor, now: new Date() }),
        ),
      );
      output(
        globalOptions(command).json,
        { mapping },
        () => `${mapping.osUser} acts as ${mapping.email} (${mapping.role})`,
      );
    });

  accounts
    .command("unmap-os-user")
    .description("end an OS user's mapping: it proves its account with a password or token from then on")
    .argument("<os-user>", "the user name")
    .action(async (osUser: string, _options: unknown, command: Command) => {
      const mapping = await withStore(command, (outer) =>
        administer(command, outer, (store, actor) =>
          unmapOsUser(store.db, osUser, { actor, now: new Date() }),
        ),
      );
      output(
        globalOptions(command).json,
        { unmapped: mapping },
        () => `${mapping.osUser} acts as no account now`,
      );
    });

  accounts
    .command("os-users")
    .description("list which OS users act as which accounts from the shell")
    .action(async (_options: unknown, command: Command) => {
      const mappings = await withStore(command, (store) => listOsUserMappings(store.db));
      output(globalOptions(command).json, { mappings }, () =>
        mappings.length === 0
          ? "no OS user acts as an account"
          : table([
              ["OS USER", "ACCOUNT", "ROLE", "ORIGIN", "SINCE"],
              ...mappings.map((m) => [m.osUser, m.email, m.role, m.origin, dateOnly(m.createdAt)]),
            ]),
      );
    });

  for (const sub of accounts.commands) {
    if (sub.name() !== "list" && sub.name() !== "os-users")
      withIdentityOptions(sub, { password: sub.name() !== "add-user" });
  }
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

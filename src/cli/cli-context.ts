import { userInfo } from "node:os";
import type { Command } from "commander";
import { ensureStoreCreator } from "../accounts/os-user-mappings.ts";
import { type ConfigFlags, loadConfig, type ServiceConfig } from "../config/load-config.ts";
import type { Store } from "../store/database.ts";
import { openStore } from "../store/open-store.ts";

export interface GlobalOptions extends ConfigFlags {
  json?: boolean;
  as?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function configOf(command: Command): ServiceConfig {
  return loadConfig(globalOptions(command));
}

/** The OS user running this process, as `os.userInfo()` has it; "unknown" where the system has none. */
export function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/**
 * Who the event log names for a shell command that acts as no account (an operator's registration, a data
 * update): the OS user. Decisions act as a proven account instead (cli-identity.ts).
 */
export function actorOf(_command: Command): string {
  return `cli:${currentOsUser()}`;
}

export async function withStore<T>(command: Command, work: (store: Store) => Promise<T>): Promise<T> {
  const config = configOf(command);
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  if (store.created) noteNewRegistry(store.location);
  try {
    // The first OS user to open a store from the shell is its creator, with an account of its own.
    await ensureStoreCreator(store.db, currentOsUser(), new Date());
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * Said on stderr whenever a command made a new, empty registry: a mistyped --data or database name would
 * otherwise look like a registry that lost its orders.
 */
export function noteNewRegistry(location: string): void {
  process.stderr.write(
    `decree: created a new, empty registry at ${location}; to use another, pass --data DIR (or DECREE_DATA), ` +
      "or --database-url (DATABASE_URL) for PostgreSQL.\n",
  );
}

/** `decree status` with the options that chose this registry, for hints a user copies into a shell. */
export function statusCommandOf(options: GlobalOptions): string {
  const args = ["npx", "decree"];
  if (options.config) args.push("--config", shellWord(options.config));
  if (options.data) args.push("--data", shellWord(options.data));
  if (options.databaseUrl) args.push("--database-url", '"$DATABASE_URL"');
  return [...args, "status"].join(" ");
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

import { userInfo } from "node:os";
import type { Command } from "commander";
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

/** Who the event log names for a command run from a shell. */
export function actorOf(command: Command): string {
  const named = globalOptions(command).as ?? process.env.DECREE_ACTOR;
  if (named) return named;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

export async function withStore<T>(command: Command, work: (store: Store) => Promise<T>): Promise<T> {
  const config = configOf(command);
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The program's own folder: two up from src/config/ and from the bundle in dist/cli/. */
const programRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Where the registry keeps its state when neither --data, DECREE_DATA nor the config file say: never the data/
 * folder the program ships with, so that runtime files stay out of the checkout's tracked files and out of an
 * installed package. In a git checkout: its var/ (git-ignored). Installed: the XDG Base Directory state folder,
 * `$XDG_STATE_HOME/decree`, by default `~/.local/state/decree` (the spec ignores a relative XDG_STATE_HOME).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, root = programRoot): string {
  if (existsSync(join(root, ".git"))) return join(root, "var");
  const stateHome = env.XDG_STATE_HOME;
  return join(stateHome && isAbsolute(stateHome) ? stateHome : join(homedir(), ".local", "state"), "decree");
}

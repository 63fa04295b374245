import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Daemon, startDaemon, waitUntilServing } from "./daemon.ts";

/** A BIRD 2 daemon started by a test or a bench: its configuration, its own control socket, in the foreground. */
export interface Bird {
  daemon: Daemon;
  socket: string;
  /** Runs `birdc -s <socket> <args>` and returns what it printed. */
  birdc(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export function birdc(socket: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("birdc", ["-s", socket, ...args], { timeout: 5000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`birdc ${args.join(" ")}: ${error.message}\n${stdout}${stderr}`))
        : resolve(stdout),
    ),
  );
}

/**
 * Starts `bird -f` on `config` (written to `<dir>/<name>.conf`) with a control socket in `dir`, and waits until
 * it answers on it. The configuration decides the ports; none of them is BGP's 179, none leaves loopback.
 */
export async function startBird(name: string, dir: string, config: string): Promise<Bird> {
  const path = join(dir, `${name}.conf`);
  const socket = join(dir, `${name}.ctl`);
  writeFileSync(path, config);
  const daemon = startDaemon(
    `bird (${name})`,
    "bird",
    ["-f", "-c", path, "-s", socket, "-P", join(dir, `${name}.pid`)],
    dir,
  );
  await waitUntilServing(daemon, `bird (${name}) on ${socket}`, async () =>
    (await birdc(socket, ["show", "status"])).includes("Daemon is up"),
  );
  return { daemon, socket, birdc: (...args) => birdc(socket, args), stop: () => daemon.stop() };
}

/** The route's lines in `birdc show route all <prefix>`, or undefined when BIRD has no such route. */
export async function routeAt(bird: Bird, prefix: string): Promise<string | undefined> {
  // An exact match (no `for`, which would also show a covering prefix); birdc exits 1 on "Network not found".
  const text = await bird.birdc("show", "route", "all", prefix, "table", "all").catch((error: Error) => {
    if (error.message.includes("Network not found")) return "";
    throw error;
  });
  return text.includes(prefix) ? text : undefined;
}

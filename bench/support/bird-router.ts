import { setTimeout as sleep } from "node:timers/promises";
import { type Bird, routeAt, startBird } from "../../test/support/bird.ts";
import { runCli } from "../../test/support/run-cli.ts";

/**
 * Two BIRD 2 daemons on 127.0.0.1 as an operator runs them beside decree: the speaker, configured by
 * `decree bgp config`, and the operator's "router", configured by `decree operators config NAME --for bird`.
 * Neither has a kernel protocol, so no route reaches this machine's forwarding table.
 */
export interface BirdRouterPair {
  speaker: Bird;
  router: Bird;
  stop(): Promise<void>;
}

export async function startBirdRouterPair(options: {
  /** Where the configurations and control sockets go; `name` prefixes their files. */
  dir: string;
  name: string;
  /** The CLI's environment: DECREE_DATA and the DECREE_BGP_* settings of the speaker. */
  env: Record<string, string>;
  operator: string;
  routerPort: number;
  /** Extra flags for `decree operators config` (e.g. `--speaker`). */
  routerArgs?: string[];
}): Promise<BirdRouterPair> {
  const { dir, name, env } = options;
  const speakerConfig = await runCli(["bgp", "config"], env);
  if (speakerConfig.code !== 0) throw new Error(`decree bgp config: ${speakerConfig.stderr}`);
  const speaker = await startBird(name, dir, speakerConfig.stdout);
  const routerConfig = await runCli(
    [
      "operators",
      "config",
      options.operator,
      "--for",
      "bird",
      "--router-id",
      "127.0.0.2",
      "--router-address",
      `127.0.0.1:${options.routerPort}`,
      ...(options.routerArgs ?? []),
    ],
    env,
  );
  if (routerConfig.code !== 0) {
    await speaker.stop();
    throw new Error(`decree operators config: ${routerConfig.stderr}`);
  }
  const router = await startBird(`${name}-router`, dir, routerConfig.stdout).catch(async (error) => {
    await speaker.stop();
    throw error;
  });
  return {
    speaker,
    router,
    async stop() {
      await router.stop();
      await speaker.stop();
    },
  };
}

/** The route count `birdc show route count` prints ("Total: N of M routes…"). */
function routeCount(text: string): number {
  return Number(/Total: (\d+) of/.exec(text)?.[1] ?? 0);
}

/** Waits until the router's session with the speaker is up and it holds at least `routes` routes. */
export async function waitForSession(router: Bird, routes = 0, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await router.birdc("show", "protocols", "decree")).includes("Established")) {
    if (performance.now() > deadline) throw new Error(`no BGP session at ${router.socket}`);
    await sleep(50);
  }
  while (routeCount(await router.birdc("show", "route", "count")) < routes) {
    if (performance.now() > deadline) throw new Error(`the standing routes did not reach ${router.socket}`);
    await sleep(100);
  }
}

/**
 * Asks the router (a birdc process each time, a few ms) until the blackhole route for `prefix`, with the
 * BLACKHOLE community 65535:666 (RFC 7999), is there (or gone); returns when it was first seen so, as
 * `performance.now()` and as `Date.now()`, or undefined at the deadline.
 */
export async function routeSeenAt(
  router: Bird,
  prefix: string,
  present: boolean,
  timeoutMs: number,
): Promise<{ performance: number; wall: number } | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const shown = await routeAt(router, prefix);
    if (Boolean(shown?.includes("(65535,666)")) === present) {
      return { performance: performance.now(), wall: Date.now() };
    }
  }
  return undefined;
}

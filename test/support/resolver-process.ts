import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Daemon, startDaemon, waitUntilServing } from "./daemon.ts";
import { type DnsServer, queryDns } from "./dns-client.ts";

export interface ResolverUnderTest extends DnsServer {
  name: string;
  dir: string;
  config: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

export interface ResolverLaunch {
  name: string;
  /** The program and the checker that must accept the configuration first (named-checkconf, unbound-checkconf). */
  program: string;
  /** None for daemons without one (pdns_recursor, kresd): they are judged by starting. */
  checker?: string;
  /** The checker's arguments; by default the configuration file alone. */
  checkArgs?: (file: string) => string[];
  args: (file: string) => string[];
  dir: string;
  fileName: string;
  config: string;
  port: number;
  /** A name the resolver must answer before the test may use it. */
  probe: string;
}

/**
 * Writes a resolver's configuration, has the resolver's own checker accept it, starts it and waits until it
 * answers; on any failure nothing is left running and the folder is gone.
 */
export async function startResolver(launch: ResolverLaunch): Promise<ResolverUnderTest> {
  const file = join(launch.dir, launch.fileName);
  writeFileSync(file, launch.config);
  const check = launch.checker
    ? spawnSync(launch.checker, launch.checkArgs?.(file) ?? [file], { encoding: "utf8" })
    : { status: 0, stderr: "", stdout: "" };
  if (check.status !== 0) {
    rmSync(launch.dir, { recursive: true, force: true });
    throw new Error(
      `${launch.checker ?? launch.program} refused the configuration: ${check.stderr}${check.stdout}\n${launch.config}`,
    );
  }
  const daemon = startDaemon(launch.program, launch.program, launch.args(file), launch.dir);
  const resolver: ResolverUnderTest = {
    name: launch.name,
    host: "127.0.0.1",
    port: launch.port,
    dir: launch.dir,
    config: launch.config,
    daemon,
    async stop() {
      await daemon.stop();
      rmSync(launch.dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilServing(daemon, `${launch.name} to answer`, async () => {
      await queryDns(resolver, launch.probe, "A", 300);
      return true;
    });
  } catch (error) {
    await resolver.stop();
    throw error;
  }
  return resolver;
}

/** Root hints that name one root server on 127.0.0.1, so that a resolver's recursion never leaves loopback. */
export const loopbackRootHints = ". 3600000 NS a.root.test.\na.root.test. 3600000 A 127.0.0.1\n";

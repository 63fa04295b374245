import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Daemon, startDaemon, waitUntilServing } from "./daemon.ts";
import { type DnsServer, queryDns } from "./dns-client.ts";
import type { Upstream } from "./upstream.ts";

/** A resolver started by a test on loopback, in a temporary directory of its own. */
export interface ResolverUnderTest extends DnsServer {
  name: string;
  dir: string;
  config: string;
  daemon: Daemon;
  stop(): Promise<void>;
}

export interface UnboundOptions {
  port: number;
  /** decree's generated configuration (`resolverConfig("unbound", …)`): its `server:` and `rpz:` clauses. */
  rpz: string;
  /** Where names that are not blocked resolve: one stub zone per upstream domain. */
  upstream: Upstream;
}

/**
 * Unbound in the foreground (`-d`) on 127.0.0.1:port, as root without chroot, reading the generated RPZ
 * configuration after a `server:` clause that makes it a self-contained test instance.
 */
export async function startUnbound(options: UnboundOptions): Promise<ResolverUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "decree-unbound-"));
  const config = [
    "server:",
    `    directory: "${dir}"`,
    `    pidfile: "${join(dir, "unbound.pid")}"`,
    '    username: ""',
    '    chroot: ""',
    "    interface: 127.0.0.1",
    `    port: ${options.port}`,
    "    do-ip6: no",
    "    use-syslog: no",
    '    logfile: ""',
    "    verbosity: 1",
    "    num-threads: 1",
    options.rpz,
    // Nothing leaves the machine: every name the tests ask about is under one of the upstream's stub zones.
    ...options.upstream.domains.flatMap((domain) => [
      "stub-zone:",
      `    name: "${domain}."`,
      `    stub-addr: ${options.upstream.host}@${options.upstream.port}`,
    ]),
    "",
  ].join("\n");
  const file = join(dir, "unbound.conf");
  writeFileSync(file, config);
  const check = spawnSync("unbound-checkconf", [file], { encoding: "utf8" });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`unbound-checkconf refused the configuration: ${check.stderr}${check.stdout}\n${config}`);
  }
  const daemon = startDaemon("unbound", "unbound", ["-d", "-c", file], dir);
  const resolver: ResolverUnderTest = {
    name: "Unbound",
    host: "127.0.0.1",
    port: options.port,
    dir,
    config,
    daemon,
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilServing(daemon, "Unbound to answer", async () => {
      await queryDns(resolver, `${options.upstream.domains[0]}`, "A", 300);
      return true;
    });
  } catch (error) {
    await resolver.stop();
    throw error;
  }
  return resolver;
}

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loopbackRootHints, type ResolverUnderTest, startResolver } from "./resolver-process.ts";
import type { Upstream } from "./upstream.ts";

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
  // A root on loopback instead of the built-in hints: a name under no stub or forward zone fails here, it is
  // never asked of the real root servers.
  writeFileSync(join(dir, "root.hints"), loopbackRootHints);
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
    `    root-hints: "${join(dir, "root.hints")}"`,
    options.rpz,
    // Nothing leaves the machine: every name the tests ask about is under one of the upstream's stub zones.
    ...options.upstream.domains.flatMap((domain) => [
      "stub-zone:",
      `    name: "${domain}."`,
      `    stub-addr: ${options.upstream.host}@${options.upstream.port}`,
    ]),
    "",
  ].join("\n");
  return startResolver({
    name: "Unbound",
    program: "unbound",
    checker: "unbound-checkconf",
    args: (file) => ["-d", "-c", file],
    dir,
    fileName: "unbound.conf",
    config,
    port: options.port,
    probe: `${options.upstream.domains[0]}`,
  });
}

export type { ResolverUnderTest };

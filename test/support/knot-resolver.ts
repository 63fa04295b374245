import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ResolverUnderTest, startResolver } from "./resolver-process.ts";
import type { Upstream } from "./upstream.ts";

export interface KnotResolverOptions {
  port: number;
  /** decree's printed configuration (`resolverConfig("knot-resolver", …)`), used as it is but for its file path. */
  printed: string;
  /** Where the printed configuration's RPZ file is to be, in place of /var/lib/knot-resolver/<zone>.zone. */
  rpzFile: (dir: string) => string;
  upstream: Upstream;
}

/**
 * kresd 5 in the foreground (`-n`) on 127.0.0.1:port, in a folder of its own. After the printed policy, every
 * other name is forwarded to the loopback upstream; priming, trust-anchor updates and time checks are off, so
 * nothing leaves the machine.
 */
export async function startKnotResolver(options: KnotResolverOptions): Promise<ResolverUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "decree-kresd-"));
  const printed = options.printed.replace(/\/var\/lib\/knot-resolver\/[^'\s]+\.zone/g, options.rpzFile(dir));
  const config = [
    `net.listen('127.0.0.1', ${options.port}, { kind = 'dns' })`,
    "modules.unload('priming')",
    "modules.unload('detect_time_skew')",
    "modules.unload('detect_time_jump')",
    "modules.unload('ta_signal_query')",
    "trust_anchors.remove('.')",
    "cache.size = 10 * MB",
    "log_level('info')",
    printed,
    `policy.add(policy.all(policy.FORWARD('${options.upstream.host}@${options.upstream.port}')))`,
    "",
  ].join("\n");
  return startResolver({
    name: "Knot Resolver",
    program: "kresd",
    args: (file) => ["-n", "-c", file, dir],
    dir,
    fileName: "kresd.conf",
    config,
    port: options.port,
    probe: `${options.upstream.domains[0]}`,
  });
}

export type { ResolverUnderTest };

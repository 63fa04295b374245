import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ResolverUnderTest, startResolver } from "./resolver-process.ts";

export interface SecondaryOptions {
  port: number;
  /** decree's printed configuration (`resolverConfig("nsd" | "knot-dns", …)`). */
  printed: string;
  secret?: string;
  /** The port of the resolver behind this secondary, in place of the printed 127.0.0.1@53. */
  downstreamPort: number;
  zone: string;
}

/** The printed text with the secret and the downstream resolver's port filled in. */
export function fillSecondary(options: SecondaryOptions, placeholder: RegExp): string {
  const withSecret = options.secret ? options.printed.replace(placeholder, options.secret) : options.printed;
  return withSecret.replace(/127\.0\.0\.1@53\b/g, `127.0.0.1@${options.downstreamPort}`);
}

/** NSD 4 in the foreground (`-d`) on 127.0.0.1:port, with the printed key and zone clauses after its server clause. */
export async function startNsd(options: SecondaryOptions): Promise<ResolverUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "decree-nsd-"));
  const config = [
    "server:",
    `    zonesdir: "${dir}"`,
    `    database: ""`,
    `    pidfile: "${join(dir, "nsd.pid")}"`,
    `    xfrdfile: "${join(dir, "xfrd.state")}"`,
    `    xfrdir: "${dir}"`,
    '    username: ""',
    '    chroot: ""',
    "    ip-address: 127.0.0.1",
    `    port: ${options.port}`,
    "    do-ip6: no",
    "    server-count: 1",
    "    verbosity: 2",
    '    logfile: ""',
    "remote-control:",
    "    control-enable: no",
    fillSecondary(options, /<the secret[^"]*>/),
    "",
  ].join("\n");
  return startResolver({
    name: "NSD",
    program: "nsd",
    checker: "nsd-checkconf",
    args: (file) => ["-d", "-c", file],
    dir,
    fileName: "nsd.conf",
    config,
    port: options.port,
    probe: options.zone,
  });
}

export type { ResolverUnderTest };

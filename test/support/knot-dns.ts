import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fillSecondary, type SecondaryOptions } from "./nsd.ts";
import { type ResolverUnderTest, startResolver } from "./resolver-process.ts";

/** Knot DNS 3 (knotd) in the foreground on 127.0.0.1:port, with the printed sections after its server section. */
export async function startKnotDns(options: SecondaryOptions): Promise<ResolverUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "decree-knotd-"));
  const config = [
    "server:",
    `    rundir: "${dir}"`,
    `    listen: 127.0.0.1@${options.port}`,
    "database:",
    `    storage: "${dir}"`,
    "log:",
    "  - target: stderr",
    "    any: info",
    "template:",
    "  - id: default",
    `    storage: "${dir}"`,
    fillSecondary(options, /<the secret[^\n]*>/),
    "",
  ].join("\n");
  return startResolver({
    name: "Knot DNS",
    program: "knotd",
    checker: "knotc",
    checkArgs: (file) => ["-c", file, "conf-check"],
    args: (file) => ["-c", file],
    dir,
    fileName: "knot.conf",
    config,
    port: options.port,
    probe: options.zone,
  });
}

export type { ResolverUnderTest };

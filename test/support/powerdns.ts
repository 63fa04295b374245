import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loopbackRootHints, type ResolverUnderTest, startResolver } from "./resolver-process.ts";
import type { Upstream } from "./upstream.ts";

export interface PowerDnsOptions {
  port: number;
  /** decree's printed configuration (`resolverConfig("powerdns", …)`): recursor.conf and recursor.lua parts. */
  printed: string;
  /** The operator's TSIG secret, in place of the placeholder. */
  secret?: string;
  upstream: Upstream;
}

const confMarker = "# ---- recursor.conf ----";
const luaMarker = "# ---- recursor.lua ----";

/**
 * PowerDNS Recursor in the foreground on 127.0.0.1:port. The printed text is split at its own markers into
 * recursor.conf and recursor.lua; only the Lua file's path and the secret are substituted. Everything it
 * cannot answer from the RPZ goes to the loopback upstream (a forwarder for "."), and its root hints name
 * loopback only, so nothing leaves the machine.
 */
export async function startPowerDns(options: PowerDnsOptions): Promise<ResolverUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "decree-pdns-"));
  const [head, rest] = splitAt(options.printed, confMarker);
  const [conf, lua] = splitAt(rest, luaMarker);
  if (!head || !conf || !lua)
    throw new Error(`no recursor.conf and recursor.lua parts in:\n${options.printed}`);
  const luaFile = join(dir, "recursor.lua");
  const secret = options.secret;
  writeFileSync(luaFile, secret ? lua.replace(/"<the secret[^"]*>"/, `"${secret}"`) : lua);
  writeFileSync(join(dir, "root.hints"), loopbackRootHints);
  const config = [
    conf.replace(/^lua-config-file=.*$/m, `lua-config-file=${luaFile}`),
    `local-address=127.0.0.1`,
    `local-port=${options.port}`,
    `socket-dir=${dir}`,
    "daemon=no",
    "write-pid=no",
    "threads=1",
    "dnssec=off",
    "loglevel=6",
    "disable-syslog=yes",
    `hint-file=${join(dir, "root.hints")}`,
    `forward-zones=.=${options.upstream.host}:${options.upstream.port}`,
    "",
  ].join("\n");
  return startResolver({
    name: "PowerDNS Recursor",
    program: "pdns_recursor",
    args: () => [`--config-dir=${dir}`],
    dir,
    fileName: "recursor.conf",
    config,
    port: options.port,
    probe: `${options.upstream.domains[0]}`,
  });
}

function splitAt(text: string, marker: string): [string, string] {
  const at = text.indexOf(marker);
  if (at < 0) return ["", ""];
  return [text.slice(0, at), text.slice(at + marker.length)];
}

export type { ResolverUnderTest };

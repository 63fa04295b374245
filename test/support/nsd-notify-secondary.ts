import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Daemon, startDaemon, waitUntilServing } from "./daemon.ts";
import { dig } from "./dig.ts";

export interface NsdSecondary {
  port: number;
  daemon: Daemon;
  /** The SOA serial NSD serves for the zone, or undefined before its first transfer. */
  serial(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/**
 * NSD 4 as a TSIG secondary on 127.0.0.1: it transfers the zone from decree's primary with `key` and takes a
 * NOTIFY only when it is signed with that key (`allow-notify: 127.0.0.1 <key>`), in a folder of its own.
 */
export async function startNsdSecondary(options: {
  port: number;
  zone: string;
  primary: { host: string; port: number };
  key: { name: string; secret: string };
}): Promise<NsdSecondary> {
  const dir = mkdtempSync(join(tmpdir(), "decree-nsd-"));
  const config = [
    "server:",
    `  ip-address: 127.0.0.1@${options.port}`,
    "  do-ip6: no",
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    `  pidfile: "${join(dir, "nsd.pid")}"`,
    `  xfrdfile: "${join(dir, "xfrd.state")}"`,
    `  zonelistfile: "${join(dir, "zone.list")}"`,
    `  xfrdir: "${dir}"`,
    '  database: ""',
    "  server-count: 1",
    "  verbosity: 2",
    "remote-control:",
    "  control-enable: no",
    "key:",
    `  name: "${options.key.name}"`,
    "  algorithm: hmac-sha256",
    `  secret: "${options.key.secret}"`,
    "zone:",
    `  name: "${options.zone}"`,
    `  zonefile: "${options.zone}.zone"`,
    `  allow-notify: 127.0.0.1 ${options.key.name}`,
    `  request-xfr: AXFR ${options.primary.host}@${options.primary.port} ${options.key.name}`,
    "",
  ].join("\n");
  const file = join(dir, "nsd.conf");
  writeFileSync(file, config);
  const check = spawnSync("nsd-checkconf", [file], { encoding: "utf8" });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nsd-checkconf refused the configuration: ${check.stderr}${check.stdout}\n${config}`);
  }
  const daemon = startDaemon("NSD", "nsd", ["-d", "-c", file], dir);
  const nsd: NsdSecondary = {
    port: options.port,
    daemon,
    async serial() {
      const out = await dig(options.port, ["+norec", "SOA", options.zone]);
      const soa = out.records.find((record) => record.type === "SOA");
      return soa ? Number(soa.data.split(" ")[2]) : undefined;
    },
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilServing(daemon, "NSD to answer", async () => {
      const out = await dig(options.port, ["+norec", "SOA", options.zone]);
      return out.stdout.includes("status:");
    });
  } catch (error) {
    await nsd.stop();
    throw error;
  }
  return nsd;
}

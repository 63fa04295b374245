/**
 * DNS servers started from a zone file or as a plain RPZ secondary, each on its own loopback port with its
 * files and log in one folder: Unbound as an RPZ secondary, and BIND 9, NSD and Knot DNS as primaries of a zone
 * file. The benchmarks run them as decree's peers; resolvers configured from decree's own generated
 * configuration are in unbound.ts and bind.ts.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rcode, rcodeOf, UdpClient } from "./dns-wire.ts";
import { type Server, startServer, waitFor } from "./processes.ts";
import { loopbackRootHints } from "./resolver-process.ts";

export interface UnboundSecondaryOptions {
  dir: string;
  port: number;
  zone: string;
  primaryPort: number;
  /** The local authority that names under `stubZone` resolve at (see startLocalAuthority). */
  stubPort: number;
  /** Default `com`: where the benchmarks' changing names live. Not the root: a root stub is primed. */
  stubZone?: string;
}

/**
 * Unbound as an RPZ secondary, set up as measured on real resolvers: respip, an rpz clause pulling from the primary on 127.0.0.1, no
 * zonefile (with one, Unbound rewrites the whole zone to disk after each transfer), do-not-query-localhost
 * off so that it talks to loopback primaries, and a stub zone so that the names the benchmark asks for
 * resolve offline.
 */
export function startUnboundSecondary(name: string, options: UnboundSecondaryOptions): Server {
  mkdirSync(options.dir, { recursive: true });
  const conf = join(options.dir, "unbound.conf");
  // A root on loopback: a name outside the stub zone fails here instead of going to the real root servers.
  writeFileSync(join(options.dir, "root.hints"), loopbackRootHints);
  writeFileSync(
    conf,
    `server:
    root-hints: "${join(options.dir, "root.hints")}"
    interface: 127.0.0.1
    port: ${options.port}
    do-ip6: no
    username: ""
    chroot: ""
    directory: "${options.dir}"
    pidfile: "${join(options.dir, "unbound.pid")}"
    use-syslog: no
    logfile: ""
    verbosity: 1
    num-threads: 1
    access-control: 127.0.0.0/8 allow
    module-config: "respip validator iterator"
    do-not-query-localhost: no
    qname-minimisation: no
    so-reuseport: no
stub-zone:
    name: "${options.stubZone ?? "com"}."
    stub-addr: 127.0.0.1@${options.stubPort}
rpz:
    name: "${options.zone}."
    primary: 127.0.0.1@${options.primaryPort}
    rpz-log: yes
    rpz-log-name: "${name}"
remote-control:
    control-enable: no
`,
  );
  return startServer(name, "/usr/sbin/unbound", ["-d", "-c", conf], join(options.dir, "unbound.log"));
}

/** Polls the resolver until `name` is blocked (NXDOMAIN): the zone it pulls is loaded. */
export async function waitUntilBlocked(
  server: Server,
  port: number,
  name: string,
  timeoutMs: number,
): Promise<void> {
  const client = new UdpClient();
  try {
    await waitFor(
      `${server.name} blocking ${name}`,
      async () => {
        const reply = await client.query(port, name, "A", 1000);
        return reply && rcodeOf(reply.message) === Rcode.nxDomain ? true : undefined;
      },
      { timeoutMs, everyMs: 100, process: server.child, log: server.tail },
    );
  } finally {
    client.close();
  }
}

/** Polls an authoritative server until it answers the zone's SOA: the zone file is loaded. */
export async function waitForSoa(
  server: Server,
  port: number,
  zone: string,
  timeoutMs: number,
): Promise<void> {
  const client = new UdpClient();
  try {
    await waitFor(
      `${server.name} serving ${zone}`,
      async () => {
        const reply = await client.query(port, zone, "SOA", 500);
        return reply && rcodeOf(reply.message) === Rcode.noError ? true : undefined;
      },
      { timeoutMs, everyMs: 50, process: server.child, log: server.tail },
    );
  } finally {
    client.close();
  }
}

export interface BindPrimaryOptions {
  dir: string;
  port: number;
  zone: string;
  zoneFile: string;
  /** A TSIG key allowed to update the zone (RFC 2136), with the secret in base64. */
  updateKey?: { name: string; secret: string };
  /** Secondaries to NOTIFY at once on every change. */
  alsoNotify?: number[];
  /** A TSIG key (hmac-sha256, secret in base64) that may also transfer the zone, besides loopback. */
  transferKey?: { name: string; secret: string };
}

/** BIND 9 as the zone's primary: the zone from a master file, transfers to loopback, updates by key. */
export function startBindPrimary(name: string, options: BindPrimaryOptions): Server {
  mkdirSync(options.dir, { recursive: true });
  const file = `${options.zone}.db`;
  copyFileSync(options.zoneFile, join(options.dir, file));
  const key = options.updateKey;
  const transferKey = options.transferKey;
  const targets = options.alsoNotify?.map((port) => `127.0.0.1 port ${port};`).join(" ");
  // Tuned for latency. notify-delay 0: by default a zone's next NOTIFY waits up to 5 s after the last one.
  // notify-rate 1000: NOTIFYs go through a rate limiter that ticks every 10/rate s, so at the default 20/s a
  // change within 500 ms of the previous one waits for the next tick (measured: ~440 ms instead of ~2 ms).
  const notify = targets ? `notify explicit; notify-delay 0; also-notify { ${targets} };` : "notify no;";
  const rate = targets ? "notify-rate 1000;" : "";
  const conf = join(options.dir, "named.conf");
  writeFileSync(
    conf,
    `options {
  directory "${options.dir}";
  listen-on port ${options.port} { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "${join(options.dir, "named.pid")}";
  session-keyfile none;
  recursion no;
  max-journal-size unlimited;
  ${rate}
};
controls { };
${key ? `key "${key.name}" { algorithm hmac-sha256; secret "${key.secret}"; };` : ""}
${transferKey && transferKey.name !== key?.name ? `key "${transferKey.name}" { algorithm hmac-sha256; secret "${transferKey.secret}"; };` : ""}
zone "${options.zone}" {
  type primary;
  file "${file}";
  allow-transfer { 127.0.0.1; ${transferKey ? `key "${transferKey.name}";` : ""} };
  ${key ? `allow-update { key "${key.name}"; };` : ""}
  ${notify}
};
`,
  );
  return startServer(name, "/usr/sbin/named", ["-g", "-c", conf], join(options.dir, "named.log"));
}

export interface PrimaryOptions {
  dir: string;
  port: number;
  zone: string;
  zoneFile: string;
  /** A TSIG key (hmac-sha256, secret in base64) that may also transfer the zone, besides loopback. */
  transferKey?: { name: string; secret: string };
}

/** NSD 4 with one server process, no database file, transfers to loopback. */
export function startNsdPrimary(name: string, options: PrimaryOptions): Server {
  mkdirSync(options.dir, { recursive: true });
  const file = `${options.zone}.zone`;
  copyFileSync(options.zoneFile, join(options.dir, file));
  const conf = join(options.dir, "nsd.conf");
  const key = options.transferKey;
  writeFileSync(
    conf,
    `server:
    ip-address: 127.0.0.1
    port: ${options.port}
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "${options.dir}"
    database: ""
    pidfile: "${join(options.dir, "nsd.pid")}"
    xfrdfile: "${join(options.dir, "xfrd.state")}"
    zonelistfile: "${join(options.dir, "zone.list")}"
    xfrdir: "${options.dir}"
    server-count: 1
    tcp-count: 64
    zonefiles-write: 0
    verbosity: 1
remote-control:
    control-enable: no
${key ? `key:\n    name: "${key.name}"\n    algorithm: hmac-sha256\n    secret: "${key.secret}"` : ""}
zone:
    name: "${options.zone}"
    zonefile: "${file}"
    provide-xfr: 127.0.0.1 NOKEY
${key ? `    provide-xfr: 127.0.0.1 ${key.name}` : ""}
`,
  );
  return startServer(name, "/usr/sbin/nsd", ["-d", "-c", conf], join(options.dir, "nsd.log"));
}

/** Knot DNS 3 with no journal and no zone file flushes: it serves what it loaded. */
export function startKnotPrimary(name: string, options: PrimaryOptions): Server {
  mkdirSync(options.dir, { recursive: true });
  const file = `${options.zone}.zone`;
  copyFileSync(options.zoneFile, join(options.dir, file));
  const conf = join(options.dir, "knot.conf");
  const key = options.transferKey;
  writeFileSync(
    conf,
    `server:
    rundir: "${options.dir}"
    listen: 127.0.0.1@${options.port}
log:
  - target: stderr
    any: info
database:
    storage: "${options.dir}"
${key ? `key:\n  - id: ${key.name}\n    algorithm: hmac-sha256\n    secret: ${key.secret}` : ""}
acl:
  - id: loopback
    address: 127.0.0.1
    action: transfer
${key ? `  - id: loopback-key\n    address: 127.0.0.1\n    key: ${key.name}\n    action: transfer` : ""}
template:
  - id: default
    storage: "${options.dir}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: "${options.zone}"
    file: "${file}"
    acl: ${key ? "[loopback, loopback-key]" : "loopback"}
`,
  );
  return startServer(name, "/usr/sbin/knotd", ["-c", conf], join(options.dir, "knot.log"));
}

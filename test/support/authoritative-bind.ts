import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { type ResolverUnderTest, startResolver } from "./resolver-process.ts";

/** A zone as its master file's records, after the SOA and NS that every test zone gets. */
export interface TestZone {
  origin: string;
  records: string[];
}

/**
 * BIND 9 as an authoritative-only server (no recursion) for the given zones, on 127.0.0.1 at a free port: a
 * real DNS server, its answers made of real zone files, for the checks that resolve names.
 */
export async function startAuthoritativeBind(zones: TestZone[]): Promise<ResolverUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "decree-auth-bind-"));
  const port = await freePort();
  for (const zone of zones) {
    writeFileSync(
      join(dir, `${zone.origin}.zone`),
      [
        "$TTL 300",
        `@ IN SOA ns1.${zone.origin}. hostmaster.${zone.origin}. 1 3600 600 86400 300`,
        `@ IN NS ns1.${zone.origin}.`,
        "ns1 IN A 127.0.0.1",
        ...zone.records,
        "",
      ].join("\n"),
    );
  }
  const config = [
    "options {",
    `    directory "${dir}";`,
    `    pid-file "${join(dir, "named.pid")}";`,
    `    session-keyfile "${join(dir, "session.key")}";`,
    `    managed-keys-directory "${dir}";`,
    `    listen-on port ${port} { 127.0.0.1; };`,
    "    listen-on-v6 { none; };",
    "    recursion no;",
    "    dnssec-validation no;",
    "    notify no;",
    // The throughput the snapshot check is measured at must be the check's, not BIND's rate limiting.
    "    recursive-clients 10000;",
    "    tcp-clients 1000;",
    "};",
    "controls { };",
    ...zones.map((zone) => `zone "${zone.origin}" { type primary; file "${zone.origin}.zone"; };`),
    "",
  ].join("\n");
  return startResolver({
    name: "BIND (authoritative)",
    program: "named",
    checker: "named-checkconf",
    args: (file) => ["-g", "-4", "-c", file],
    dir,
    fileName: "named.conf",
    config,
    port,
    probe: `ns1.${zones[0]!.origin}`,
  });
}

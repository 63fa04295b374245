import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loopbackRootHints, type ResolverUnderTest, startResolver } from "./resolver-process.ts";
import type { Upstream } from "./upstream.ts";

export interface BindOptions {
  port: number;
  /** decree's generated configuration (`resolverConfig("bind", …)`): key, options and the secondary zone. */
  rpz: string;
  /** The operator's TSIG secret, in place of the placeholder in the generated key clause. */
  secret?: string;
  /** Where names that are not blocked resolve: one forward zone per upstream domain. */
  upstream: Upstream;
  /** The address BIND asks the primary from (SOA queries and transfers), e.g. 127.0.0.3. */
  transferSource?: string;
}

/**
 * BIND 9 (`named -g`: foreground, logging to stderr) on 127.0.0.1:port, in a temporary directory of its own.
 * The generated configuration is used as it is, with the test instance's settings added to its `options`.
 */
export async function startBind(options: BindOptions): Promise<ResolverUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "decree-bind-"));
  if ((options.rpz.match(/^options \{$/gm) ?? []).length !== 1) {
    throw new Error(`expected one options clause in the generated BIND configuration:\n${options.rpz}`);
  }
  const placeholder = /secret "<[^"]*>";/;
  if (options.secret && !placeholder.test(options.rpz)) {
    throw new Error(`no secret placeholder in the generated BIND configuration:\n${options.rpz}`);
  }
  const rpz = options.secret ? options.rpz.replace(placeholder, `secret "${options.secret}";`) : options.rpz;
  // A root on loopback instead of the built-in hints: a name under no forward zone fails here, it is never asked
  // of the real root servers.
  writeFileSync(join(dir, "root.hints"), loopbackRootHints);
  const config = [
    rpz.replace(
      /^options \{$/m,
      [
        "options {",
        `    directory "${dir}";`,
        `    pid-file "${join(dir, "named.pid")}";`,
        `    session-keyfile "${join(dir, "session.key")}";`,
        `    managed-keys-directory "${dir}";`,
        `    listen-on port ${options.port} { 127.0.0.1; };`,
        "    listen-on-v6 { none; };",
        "    recursion yes;",
        "    allow-recursion { 127.0.0.0/8; };",
        "    dnssec-validation no;",
        "    max-cache-size 32m;",
        "    notify no;",
        ...(options.transferSource ? [`    transfer-source ${options.transferSource};`] : []),
      ].join("\n"),
    ),
    // No rndc channel: several instances on one machine would fight over port 953.
    "controls { };",
    `zone "." { type hint; file "${join(dir, "root.hints")}"; };`,
    ...options.upstream.domains.map(
      (domain) =>
        `zone "${domain}" { type forward; forward only; ` +
        `forwarders { ${options.upstream.host} port ${options.upstream.port}; }; };`,
    ),
    "",
  ].join("\n");
  return startResolver({
    name: "BIND",
    program: "named",
    checker: "named-checkconf",
    args: (file) => ["-g", "-4", "-c", file],
    dir,
    fileName: "named.conf",
    config,
    port: options.port,
    probe: `${options.upstream.domains[0]}`,
  });
}

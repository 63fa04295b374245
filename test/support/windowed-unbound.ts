import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load-config.ts";
import { type RunningService, startService } from "../../src/main.ts";
import { addOperator } from "../../src/publish/operators.ts";
import { resolverConfig } from "../../src/publish/resolver-config.ts";
import { type DnsAnswer, queryDns } from "./dns-client.ts";
import { freePort } from "./free-port.ts";
import { pollUntil } from "./poll.ts";
import { type ResolverUnderTest, startUnbound } from "./unbound.ts";
import { startUpstream, type Upstream, upstreamAddress } from "./upstream.ts";

/**
 * A real decree service and a real Unbound, its RPZ secondary, on loopback, for blocking windows: names under
 * the upstream's domains resolve there, and `addressName` resolves to `blockedAddress`, an address a target can
 * be (not a documentation range), so that an rpz-ip entry for it shows at Unbound.
 */
export interface WindowedUnbound {
  service: RunningService;
  unbound: ResolverUnderTest;
  upstream: Upstream;
  /** The service's data directory, for the CLI's DECREE_DATA. */
  dataDir: string;
  close(): Promise<void>;
}

export const windowDomains = ["laliga-pirata.tv", "futbol-gratis.net", "partidos-en-directo.com"];
export const addressName = "cdn.futbol-gratis.net";
export const blockedAddress = "185.100.87.77";

export async function startWindowedUnbound(
  /** `env`: settings as environment variables, e.g. the DECREE_BGP_* of a route feed. */
  options: { clockIntervalMs?: number; env?: Record<string, string> } = {},
): Promise<WindowedUnbound> {
  const dataDir = mkdtempSync(join(tmpdir(), "decree-windows-"));
  // A short TTL, so that what a window's end changes is not hidden behind a cached upstream answer.
  const upstream = await startUpstream(windowDomains, "127.0.0.1", {
    fixed: { [addressName]: blockedAddress },
    ttl: 1,
  });
  const config = loadConfig(
    { data: dataDir, http: "127.0.0.1:0", dns: "127.0.0.1:0", stop: "127.0.0.1:0", stopPage: ["192.0.2.80"] },
    options.env ?? {},
  );
  const service = await startService(config, { clockIntervalMs: options.clockIntervalMs ?? 1000 });
  const port = await freePort();
  const { operator } = await addOperator(
    service.store.db,
    { name: "unbound-windows", notify: [`127.0.0.1:${port}`], allow: ["127.0.0.1"], tsig: false },
    { actor: "test:windows", now: new Date() },
  );
  const endpoint = { zone: "rpz.decree", ...service.dns, httpBase: `http://127.0.0.1:${service.http.port}` };
  let unbound: ResolverUnderTest;
  try {
    unbound = await startUnbound({ port, rpz: resolverConfig("unbound", operator, endpoint), upstream });
  } catch (error) {
    await service.close();
    await upstream.close();
    throw error;
  }
  return {
    service,
    unbound,
    upstream,
    dataDir,
    async close() {
      await unbound.stop();
      await service.close();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const isNxdomain = (answer: DnsAnswer) => answer.rcode === "NXDOMAIN";

/** The name resolves as it would without decree: the upstream's own address for it. */
export function resolves(name: string): (answer: DnsAnswer) => boolean {
  const expected = name === addressName ? blockedAddress : upstreamAddress(name);
  return (answer) => answer.rcode === "NOERROR" && answer.addresses.join() === expected;
}

/** Asks Unbound every `intervalMs` until `name` answers as expected; returns when (Date.now()). */
export async function answerAt(
  resolver: ResolverUnderTest,
  name: string,
  expected: (answer: DnsAnswer) => boolean,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<number> {
  let last: DnsAnswer | undefined;
  return pollUntil(
    `${resolver.name} to answer as expected for ${name}`,
    async () => {
      resolver.daemon.assertRunning();
      last = await queryDns(resolver, name, "A", 1000);
      return expected(last) ? Date.now() : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 10_000,
      intervalMs: options.intervalMs ?? 5,
      lastSeen: () => (last ? `${last.rcode} ${last.addresses.join(",")}` : "no answer"),
    },
  );
}

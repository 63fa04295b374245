import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { DecreeError } from "../../errors/decree-error.ts";
import type { AgentCanary, AgentMeasurement, AgentPayload, AgentWork } from "./agent-batch.ts";
import { askResolvers } from "./ask-resolvers.ts";
import { DnsProber, type ProberOptions } from "./dns-prober.ts";
import type { ResolverEndpoint } from "./resolver-endpoint.ts";

export interface AgentOptions extends ProberOptions {
  /** The registry's base URL, e.g. https://registry.example.org */
  registry: string;
  token: string;
  /** The agent's Ed25519 private key (PKCS#8 PEM); created on first run. */
  keyFile: string;
  /** Resolvers to ask instead of those the registry lists (the ones this machine uses). */
  resolvers?: ResolverEndpoint[] | undefined;
  concurrency?: number;
}

export interface AgentRound {
  agent: string;
  operator: string;
  resolvers: number;
  measurements: number;
  runIds: number[];
}

/** Measurements per signed batch: well inside the registry's body limit with raw answers included. */
const batchSize = 4000;

/**
 * One round of the probe agent: fetch the work from the registry, ask the resolvers from here (inside the
 * operator's network, where the registry cannot see), and send the raw answers back in batches signed with the
 * agent's Ed25519 key (RFC 8032). The registry judges them; the agent only reports what it saw.
 */
export async function runProbeAgentRound(options: AgentOptions): Promise<AgentRound> {
  const key = agentKey(options.keyFile);
  const base = options.registry.replace(/\/+$/, "");
  const headers = {
    authorization: `Bearer ${options.token}`,
    "decree-agent-key": key.publicKey,
  };
  const work = (await call(`${base}/probe/work`, { headers })) as AgentWork;
  const resolvers = options.resolvers ?? work.resolvers;
  const prober = new DnsProber(options);
  const startedAt = new Date().toISOString();
  let asked: Awaited<ReturnType<typeof askResolvers>>;
  let canaries: AgentCanary[] = [];
  try {
    asked = await askResolvers(resolvers, work.items, { prober, concurrency: options.concurrency });
    // The canary's TXT says which release each resolver applied; asked last, so it is the freshest answer.
    if (work.canary) canaries = await askCanary(prober, resolvers, work.canary.name);
  } finally {
    prober.close();
  }
  const finishedAt = new Date().toISOString();
  const measurements: AgentMeasurement[] = asked.map((question) => ({
    resolver: {
      host: question.resolver.host,
      port: question.resolver.port,
      transport: question.resolver.transport,
      ...(question.resolver.url ? { url: question.resolver.url } : {}),
    },
    name: question.item.name,
    qtype: question.item.qtype,
    expectation: question.item.expectation,
    targetId: question.item.targetId,
    phase: question.phase,
    raw: question.outcome.answer ? question.outcome.answer.raw.toString("base64") : null,
    failure: question.outcome.failure ?? null,
    attempts: question.outcome.attempts,
    rttMs: question.outcome.answer ? Math.round(question.outcome.answer.rttMs) : null,
    at: question.at,
  }));
  const runIds: number[] = [];
  for (let start = 0; start < measurements.length; start += batchSize) {
    const payload: AgentPayload = {
      agent: work.agent,
      startedAt,
      finishedAt,
      measurements: measurements.slice(start, start + batchSize),
      ...(start === 0 && canaries.length > 0 ? { canaries } : {}),
    };
    const text = JSON.stringify(payload);
    const signature = sign(null, Buffer.from(text, "utf8"), key.privateKey).toString("base64");
    const result = (await call(`${base}/probe/measurements`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ payload: text, signature }),
    })) as { runId: number };
    runIds.push(result.runId);
  }
  return {
    agent: work.agent,
    operator: work.operator,
    resolvers: resolvers.length,
    measurements: measurements.length,
    runIds,
  };
}

async function askCanary(
  prober: DnsProber,
  resolvers: readonly ResolverEndpoint[],
  name: string,
): Promise<AgentCanary[]> {
  return Promise.all(
    resolvers.map(async (resolver) => {
      const outcome = await prober.ask(resolver, name, "TXT");
      return {
        resolver: {
          host: resolver.host,
          port: resolver.port,
          transport: resolver.transport,
          ...(resolver.url ? { url: resolver.url } : {}),
        },
        name,
        raw: outcome.answer ? outcome.answer.raw.toString("base64") : null,
        failure: outcome.failure ?? null,
        attempts: outcome.attempts,
        rttMs: outcome.answer ? Math.round(outcome.answer.rttMs) : null,
        at: new Date().toISOString(),
      };
    }),
  );
}

/** The agent's key: read from its file, or created there (readable by its owner only) on first run. */
export function agentKey(file: string): { privateKey: KeyObject; publicKey: string } {
  let privateKey: KeyObject;
  if (existsSync(file)) privateKey = createPrivateKey(readFileSync(file));
  else {
    privateKey = generateKeyPairSync("ed25519").privateKey;
    writeFileSync(file, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600, flag: "wx" });
  }
  const jwk = privateKey.export({ format: "jwk" });
  return { privateKey, publicKey: Buffer.from(jwk.x as string, "base64url").toString("base64") };
}

async function call(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new DecreeError(
      "PROBE_REGISTRY_UNREACHABLE",
      `Cannot reach the registry at ${url}: ${(error as Error).message}`,
    );
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const problem = body as { code?: string; detail?: string };
    throw new DecreeError(
      "PROBE_REGISTRY_UNREACHABLE",
      `The registry refused ${init.method ?? "GET"} ${url}: ${response.status} ${problem.code ?? ""} ${problem.detail ?? ""}`.trim(),
    );
  }
  return body;
}

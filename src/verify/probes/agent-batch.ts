import { z } from "zod";
import { formatHostPort } from "../../config/host-port.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Store } from "../../store/database.ts";
import { type AskedQuestion, askReference } from "./ask-resolvers.ts";
import { type CanaryObservation, currentCanaryName, recordCanaryObservations } from "./canary-serials.ts";
import { expectations } from "./classify-answer.ts";
import { decodeAnswer, encodeQuery } from "./dns-answer.ts";
import type { DnsProber } from "./dns-prober.ts";
import { closeEnforcements } from "./enforcements.ts";
import { judgeMeasurements } from "./judge-measurements.ts";
import { closeLifts } from "./lifts.ts";
import { checkBatchSignature, type ProbeAgent } from "./probe-agents.ts";
import { type ProbeItem, probePlan } from "./probe-plan.ts";
import type { ProbeSettings } from "./probe-settings.ts";
import { recordProbeRun } from "./record-probe-run.ts";
import { parseResolverEndpoint, type ResolverEndpoint, transports } from "./resolver-endpoint.ts";
import { listResolvers, type RegisteredResolver } from "./resolvers.ts";

/** What an agent is asked to do: its operator's resolvers and the questions of a sweep. */
export interface AgentWork {
  agent: string;
  operator: string;
  resolvers: ResolverEndpoint[];
  items: ProbeItem[];
  /** The canary's name, asked as TXT of every resolver; absent when the zone carries no canary. */
  canary?: { name: string; qtype: "TXT" } | undefined;
}

const endpointSchema = z.object({
  host: z.string().max(64),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(transports),
  url: z.string().max(2048).optional(),
});

export const agentMeasurementSchema = z.object({
  resolver: endpointSchema,
  name: z.string().min(1).max(253),
  qtype: z.enum(["A", "AAAA"]),
  expectation: z.enum(expectations),
  targetId: z.number().int().nullable(),
  phase: z.enum(["before", "main", "after"]),
  /** The answer's wire format, base64; null when none came. */
  raw: z.string().max(90_000).nullable(),
  failure: z.string().max(500).nullable(),
  attempts: z.number().int().min(1).max(20),
  rttMs: z.number().min(0).nullable(),
  at: z.iso.datetime(),
});

/** What a resolver answered for the canary's TXT, raw: the registry reads the serial itself. */
export const agentCanarySchema = z.object({
  resolver: endpointSchema,
  name: z.string().min(1).max(253),
  raw: z.string().max(90_000).nullable(),
  failure: z.string().max(500).nullable(),
  attempts: z.number().int().min(1).max(20),
  rttMs: z.number().min(0).nullable(),
  at: z.iso.datetime(),
});

/** The bytes an agent signs: this object as JSON text. */
export const agentPayloadSchema = z.object({
  agent: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  measurements: z.array(agentMeasurementSchema).max(20_000),
  canaries: z.array(agentCanarySchema).max(1000).optional(),
});

export type AgentCanary = z.infer<typeof agentCanarySchema>;

export type AgentMeasurement = z.infer<typeof agentMeasurementSchema>;
export type AgentPayload = z.infer<typeof agentPayloadSchema>;

/** The work of one agent: the questions a registry sweep would ask, for its operator's resolvers. */
export async function agentWork(
  store: Store,
  agent: ProbeAgent,
  settings: ProbeSettings & { now: Date },
): Promise<AgentWork> {
  const operator = await store.db
    .selectFrom("operators")
    .select("name")
    .where("id", "=", agent.operatorId)
    .executeTakeFirstOrThrow();
  const resolvers = await listResolvers(store.db, operator.name);
  const canaryName = await currentCanaryName(store.db);
  const items = await probePlan(store.db, {
    controls: settings.controls,
    sample: settings.sample,
    now: settings.now,
  });
  return {
    agent: agent.name,
    operator: operator.name,
    resolvers: resolvers.map(({ host, port, transport, url }) => ({
      host,
      port,
      transport,
      ...(url ? { url } : {}),
    })),
    items,
    ...(canaryName === undefined ? {} : { canary: { name: canaryName, qtype: "TXT" as const } }),
  };
}

/**
 * Takes an agent's signed batch: the signature is checked over the exact bytes, then every answer is decoded
 * from its raw wire form and judged here, against the registry's own reference asked now, exactly as the
 * registry's own measurements are; the agent reports what it saw, never a verdict. Stored with its source and
 * the signed bytes, so that anyone can check the batch again.
 */
export async function acceptAgentBatch(
  store: Store,
  agent: ProbeAgent,
  body: { payload: string; signature: string },
  settings: ProbeSettings & { prober: DnsProber; now: Date },
): Promise<{ runId: number; measurements: number }> {
  checkBatchSignature(agent, body.payload, body.signature);
  const payload = parsePayload(body.payload);
  if (payload.agent !== agent.name) {
    throw new DecreeError(
      "PROBE_BATCH_INVALID",
      `The batch says it is from ${payload.agent}, but the token is agent ${agent.name}'s.`,
    );
  }
  const resolvers = await resolversOf(store, agent, [...payload.measurements, ...(payload.canaries ?? [])]);
  const asked: AskedQuestion<RegisteredResolver>[] = payload.measurements.map((measured) => {
    const item: ProbeItem = {
      name: measured.name,
      qtype: measured.qtype,
      expectation: measured.expectation,
      targetId: measured.targetId,
    };
    const raw = measured.raw === null ? undefined : Buffer.from(measured.raw, "base64");
    // The question is compared by its bytes after the header, so any ID rebuilds it.
    const question = encodeQuery(0, measured.name, measured.qtype);
    const answer = raw ? decodeAnswer(raw, question, measured.rttMs ?? 0) : undefined;
    return {
      resolver: resolvers.get(keyOf(measured.resolver))!,
      item,
      outcome: answer
        ? { answer, attempts: measured.attempts }
        : {
            failure: raw
              ? "the reported answer does not decode as an answer to the question"
              : (measured.failure ?? "no answer"),
            attempts: measured.attempts,
          },
      phase: measured.phase,
      at: measured.at,
    };
  });
  const references = await askReference(
    settings.reference,
    asked.map((question) => question.item),
    { prober: settings.prober, concurrency: settings.concurrency },
  );
  const judged = judgeMeasurements(asked, references, settings.stopPage);
  const runId = await recordProbeRun(
    store.db,
    {
      kind: "agent",
      source: `agent:${agent.name}`,
      reference: settings.reference ? formatHostPort(settings.reference) : null,
      startedAt: payload.startedAt,
      finishedAt: payload.finishedAt,
      signedPayload: body.payload,
      signature: body.signature,
    },
    judged,
  );
  await closeEnforcements(store.db, judged);
  await closeLifts(store.db, judged);
  const canaries = (payload.canaries ?? []).map((reported) => canaryObservationOf(reported, resolvers));
  await recordCanaryObservations(store.db, canaries, `agent:${agent.name}`);
  return { runId, measurements: judged.length };
}

/** A reported canary answer, decoded here from its raw wire form as a measurement is. */
function canaryObservationOf(
  reported: AgentCanary,
  resolvers: ReadonlyMap<string, RegisteredResolver>,
): CanaryObservation {
  const raw = reported.raw === null ? undefined : Buffer.from(reported.raw, "base64");
  const answer = raw
    ? decodeAnswer(raw, encodeQuery(0, reported.name, "TXT"), reported.rttMs ?? 0)
    : undefined;
  return {
    resolver: resolvers.get(keyOf(reported.resolver))!,
    name: reported.name,
    outcome: answer
      ? { answer, attempts: reported.attempts }
      : {
          failure: raw
            ? "the reported answer does not decode as an answer to the question"
            : (reported.failure ?? "no answer"),
          attempts: reported.attempts,
        },
    at: reported.at,
  };
}

function parsePayload(text: string): AgentPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DecreeError("PROBE_BATCH_INVALID", "The batch's payload is not JSON.");
  }
  const parsed = agentPayloadSchema.safeParse(json);
  if (!parsed.success) {
    throw new DecreeError(
      "PROBE_BATCH_INVALID",
      `The batch's payload does not fit: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

function keyOf(endpoint: { host: string; port: number; transport: string }): string {
  return `${endpoint.transport} ${endpoint.host} ${endpoint.port}`;
}

/**
 * The registered resolvers the batch names; a resolver the agent found locally and the registry did not know
 * is registered for the agent's operator, so that its measurements have a home and a history.
 */
async function resolversOf(
  store: Store,
  agent: ProbeAgent,
  measurements: ReadonlyArray<Pick<AgentMeasurement, "resolver">>,
): Promise<Map<string, RegisteredResolver>> {
  const operator = await store.db
    .selectFrom("operators")
    .select("name")
    .where("id", "=", agent.operatorId)
    .executeTakeFirstOrThrow();
  const known = new Map((await listResolvers(store.db, operator.name)).map((r) => [keyOf(r), r]));
  for (const measured of measurements) {
    const key = keyOf(measured.resolver);
    if (known.has(key)) continue;
    const endpoint = parseResolverEndpoint(
      formatHostPort(measured.resolver),
      measured.resolver.transport,
      measured.resolver.url,
    );
    const row = await store.db
      .insertInto("resolvers")
      .values({
        operator_id: agent.operatorId,
        host: endpoint.host,
        port: endpoint.port,
        transport: endpoint.transport,
        url: endpoint.url ?? null,
        created_at: new Date().toISOString(),
        created_by: `agent:${agent.name}`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    known.set(key, {
      ...endpoint,
      id: Number(row.id),
      operatorId: agent.operatorId,
      operator: operator.name,
      createdAt: new Date().toISOString(),
    });
  }
  return known;
}

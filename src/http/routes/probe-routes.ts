import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Store } from "../../store/database.ts";
import { acceptAgentBatch, agentWork } from "../../verify/probes/agent-batch.ts";
import { expectations } from "../../verify/probes/classify-answer.ts";
import { DnsProber } from "../../verify/probes/dns-prober.ts";
import { listMeasurements, measurementsCsv } from "../../verify/probes/list-measurements.ts";
import { agentForToken } from "../../verify/probes/probe-agents.ts";
import { probeCompliance } from "../../verify/probes/probe-compliance.ts";
import type { ProbeSettings } from "../../verify/probes/probe-settings.ts";
import { transports } from "../../verify/probes/resolver-endpoint.ts";
import { integerSchema } from "../integer-schema.ts";
import { measurementSchema } from "../measurement-schema.ts";

export interface ProbeRouteDeps {
  store: Store;
  now: () => Date;
  probes: ProbeSettings;
}

const tags = ["compliance"];
const counts = z
  .object({
    enforced: z.number().int(),
    notEnforced: z.number().int(),
    overBlocked: z.number().int(),
    error: z.number().int(),
  })
  .meta({ id: "VerdictCounts" });
const times = z.object({
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  maxMs: z.number().nullable(),
  count: z.number().int(),
  pending: z.number().int(),
});
const operatorCompliance = z
  .object({
    operator: z.string(),
    resolvers: z.number().int(),
    counts,
    shareEnforced: z
      .number()
      .nullable()
      .describe("enforced / (enforced + not enforced) among names that must be blocked"),
    missedNames: z.array(z.string()),
    overBlockedNames: z.array(z.string()),
    timeToEnforce: times,
    timeToLift: times.describe(
      "from the release that took a name out (lift, suspension, expiry, window end) to the first probe seeing it resolve again",
    ),
    timeToApply: times.describe(
      "from each release to the first canary answer showing a resolver applied it; pending: resolvers behind",
    ),
    canaries: z.array(
      z.object({
        resolver: z.string(),
        appliedSerial: z.number().int().nullable().describe("the release serial its canary TXT answered"),
        digest: z.string().nullable(),
        observedAt: z.string().nullable(),
        releasesBehind: z.number().int().nullable(),
        lagMs: z.number().nullable().describe("from the first release it lacks to its last answer"),
        problem: z.string().nullable(),
      }),
    ),
    contradictedAcks: z
      .number()
      .int()
      .describe("acknowledgments a resolver contradicted (ACK_SERIAL_NOT_APPLIED)"),
    lastMeasuredAt: z.string().nullable(),
  })
  .meta({ id: "OperatorCompliance" });
const measurementQuery = z
  .object({
    operator: z.string().max(63).optional(),
    since: z.iso.datetime().optional().describe("measurements taken at or after this time"),
    after: integerSchema({ min: 0, max: Number.MAX_SAFE_INTEGER })
      .optional()
      .describe("the `next.after` of the previous page"),
    limit: integerSchema({ min: 1, max: 10_000 }).optional().describe("default 1000"),
  })
  .strict();
const itemSchema = z.object({
  name: z.string(),
  qtype: z.enum(["A", "AAAA"]),
  expectation: z.enum(expectations),
  targetId: z.number().int().nullable(),
});
const endpointSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  transport: z.enum(transports),
  url: z.string().optional(),
});
/** Agents send raw answers: a batch of a few thousand measurements is a few MB. */
const batchBodyLimit = 16 * 1024 * 1024;

/**
 * Measured compliance. What probes saw is public, as OONI's measurements are: the roll-up per
 * operator, every measurement with its raw answer, and the CSV. Probe agents (an operator's or an authority's
 * token registered with `decree probe agent add`) fetch their work and send signed batches.
 */
export async function probeRoutes(fastify: FastifyInstance, { store, now, probes }: ProbeRouteDeps) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const prober = new DnsProber(probes);
  app.addHook("onClose", async () => prober.close());

  app.get(
    "/compliance/probes",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Measured compliance per operator: verdicts, share enforced, over-blocking, time to enforce",
        querystring: z.object({ operator: z.string().max(63).optional() }).strict(),
        response: { 200: z.object({ operators: z.array(operatorCompliance) }) },
      },
    },
    async (request) => ({ operators: await probeCompliance(store.db, request.query.operator) }),
  );

  app.get(
    "/compliance/probes.csv",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Every stored measurement as CSV (RFC 4180), raw answers included",
        querystring: measurementQuery.omit({ limit: true }),
      },
    },
    async (request, reply) => {
      // The first chunk is produced before the status line is sent: a query that cannot be answered (an
      // unknown operator) is a 404 problem, not a 200 whose body stops short.
      const body = await startedStream(measurementsCsv(store.db, request.query));
      return reply
        .type("text/csv; charset=utf-8; header=present")
        .header("content-disposition", 'attachment; filename="measurements.csv"')
        .send(body);
    },
  );

  app.get(
    "/compliance/measurements",
    {
      config: { access: "public" },
      schema: {
        tags,
        summary: "Stored measurements, oldest first, with what is needed to reproduce them",
        querystring: measurementQuery,
        response: {
          200: z.object({
            measurements: z.array(measurementSchema),
            next: z.object({ after: z.number().int() }).nullable(),
          }),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 1000;
      const measurements = await listMeasurements(store.db, { ...request.query, limit });
      return {
        measurements,
        next: measurements.length === limit ? { after: measurements.at(-1)!.id } : null,
      };
    },
  );

  app.get(
    "/probe/work",
    {
      config: { access: "probes:agent" },
      schema: {
        tags,
        summary: "A probe agent's work: its operator's resolvers and the questions to ask them",
        description:
          "Send the agent's Ed25519 public key (raw, base64) in Decree-Agent-Key: it is pinned on first use.",
        headers: z.object({ "decree-agent-key": z.string().max(100).optional() }).passthrough(),
        response: {
          200: z.object({
            agent: z.string(),
            operator: z.string(),
            resolvers: z.array(endpointSchema),
            items: z.array(itemSchema),
            canary: z
              .object({ name: z.string(), qtype: z.literal("TXT") })
              .optional()
              .describe("ask every resolver this name's TXT and report the raw answers as `canaries`"),
          }),
        },
      },
    },
    async (request) => {
      const agent = await agentForToken(
        store.db,
        bearerOf(request),
        request.headers["decree-agent-key"],
        now(),
      );
      return agentWork(store, agent, { ...probes, now: now() });
    },
  );

  app.post(
    "/probe/measurements",
    {
      config: { access: "probes:agent" },
      bodyLimit: batchBodyLimit,
      schema: {
        tags,
        summary: "A probe agent's signed batch of raw answers; the registry judges and stores them",
        description:
          "`payload` is JSON text (agent, startedAt, finishedAt, measurements); `signature` the agent's " +
          "Ed25519 signature (base64) over payload's exact UTF-8 bytes.",
        body: z.object({ payload: z.string().max(batchBodyLimit), signature: z.string().max(200) }).strict(),
        response: { 201: z.object({ runId: z.number().int(), measurements: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const agent = await agentForToken(
        store.db,
        bearerOf(request),
        request.headers["decree-agent-key"] as string | undefined,
        now(),
      );
      const result = await acceptAgentBatch(store, agent, request.body, { ...probes, prober, now: now() });
      return reply.code(201).send(result);
    },
  );
}

function bearerOf(request: FastifyRequest): string {
  const token = /^Bearer +(\S+)/i.exec(request.headers.authorization ?? "")?.[1];
  if (!token) {
    throw new DecreeError(
      "PROBE_AGENT_UNKNOWN",
      "A probe agent authenticates with its token (Authorization: Bearer …), not a browser session.",
    );
  }
  return token;
}

/** A stream whose first chunk was already produced, so that a refusal comes before any byte is sent. */
async function startedStream(chunks: AsyncGenerator<string>): Promise<Readable> {
  const first = await chunks.next();
  async function* rest() {
    if (!first.done) yield first.value;
    yield* chunks;
  }
  return Readable.from(rest());
}

import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor } from "../../accounts/principal.ts";
import type { CheckSettings } from "../../checks/check-data.ts";
import { localizedScore } from "../../checks/mirror-explanation.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { findOrder } from "../../intake/find-order.ts";
import { findOrderAs } from "../../intake/find-order-as.ts";
import type { Store } from "../../store/database.ts";
import { captureOriginals } from "../../verify/mirrors/capture-originals.ts";
import { discoverMirrors } from "../../verify/mirrors/discover-mirrors.ts";
import {
  listMirrorCandidates,
  listMirrorRuns,
  mirrorCandidate,
} from "../../verify/mirrors/list-mirror-candidates.ts";
import type { SiteSettings } from "../../verify/mirrors/site-settings.ts";
import { submitMirror } from "../../verify/mirrors/submit-mirror.ts";
import {
  mirrorCandidateStates,
  mirrorRunStates,
  mirrorSources,
  mirrorVerdicts,
} from "../../vocabulary/vocabulary.ts";
import { orderScopeOf } from "../order-scope.ts";
import { answerLocale } from "../request-locale.ts";
import { addedTargetSchema, idParams } from "../workflow-schemas.ts";

export interface MirrorRouteDeps {
  store: Store;
  now: () => Date;
  /** How sites are reached for evidence (config mirrorResolver, mirrorAllowPrivate); none: the routes refuse. */
  mirrorSettings?: SiteSettings | undefined;
  checkSettings?: CheckSettings;
}

const tags = ["mirrors"];

const signalSchema = z.object({
  signal: z.string(),
  matched: z.boolean(),
  points: z.number(),
  weight: z.number(),
  value: z.union([z.number(), z.array(z.string())]),
  detail: z.string(),
});

const candidateSchema = z.object({
  id: z.number().int(),
  orderId: z.number().int(),
  name: z.string(),
  original: z.string().describe("the blocked name it was compared with"),
  source: z.enum(mirrorSources),
  score: z.number(),
  verdict: z.enum(mirrorVerdicts),
  state: z.enum(mirrorCandidateStates).describe("queued: a mirror target awaits review"),
  explanation: z.string().describe("the matched signals in plain words"),
  signals: z.array(signalSchema),
  targetId: z.number().int().nullable(),
  captureId: z.number().int(),
  originalCaptureId: z.number().int().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
});

const captureSchema = z.object({
  id: z.number().int(),
  sha256: z.string().describe("SHA-256 of the evidence JSON as kept"),
  capturedAt: z.string(),
  site: z.unknown().describe("DNS, the fetch with every redirect, TLS, page fingerprint"),
});

const progressSchema = z.object({
  blocked: z.number().int(),
  generated: z.number().int(),
  resolved: z.number().int(),
  fetched: z.number().int(),
  mirrors: z.number().int(),
  queued: z.number().int(),
  limited: z.enum(["fetches", "time"]).nullable(),
});

/**
 * Mirror sites: an applicant reports a suspected mirror under its order and it is fetched, scored and
 * queued for review with its evidence; the authority lists what was weighed, reads one candidate's evidence,
 * runs discovery now and captures a blocked site again.
 */
export async function mirrorRoutes(fastify: FastifyInstance, deps: MirrorRouteDeps) {
  const { store, now } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const settings = (): SiteSettings => {
    if (deps.mirrorSettings) return deps.mirrorSettings;
    throw new DecreeError(
      "MIRROR_RESOLVER_MISSING",
      "This registry has no resolver for mirror evidence: set mirrorResolver (or checkResolver) in its configuration.",
    );
  };

  app.post(
    "/orders/:id/mirrors",
    {
      config: { access: "mirrors:request" },
      schema: {
        tags,
        summary: "Report a suspected mirror: fetched, scored and queued for review with its evidence",
        description:
          "Only under an order that extends to mirrors and is in force (409 TARGET_MIRROR_NOT_ALLOWED, " +
          "ORDER_NOT_IN_FORCE). The site is queued whatever its score; a score below the threshold is a review " +
          "finding (MIRROR_WEAK_EVIDENCE) for the authority to weigh.",
        params: idParams,
        body: z
          .object({ name: z.string().min(1).max(253).describe("the suspected mirror's host name") })
          .strict(),
        response: {
          201: z.object({
            candidateId: z.number().int(),
            target: addedTargetSchema,
            score: z.number(),
            verdict: z.enum(mirrorVerdicts),
            explanation: z.string(),
            signals: z.array(signalSchema),
            findings: z.object({
              counts: z.object({ block: z.number().int(), review: z.number().int(), info: z.number().int() }),
              held: z.array(z.object({ targetId: z.number().int(), codes: z.array(z.string()) })),
            }),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      // Another organisation's order is not found before anything else is said about it.
      const order = await findOrderAs(store.db, request.params.id, orderScopeOf(principal));
      const site = settings();
      const submitted = await submitMirror(store, order, request.body.name, site, {
        actor: actorFor(principal),
        now,
        checkSettings: deps.checkSettings,
      });
      const locale = answerLocale(request, reply);
      const score = localizedScore(submitted.assessment.score, locale);
      return reply.code(201).send({
        candidateId: submitted.candidateId,
        target: submitted.target,
        score: score.score,
        verdict: score.verdict,
        explanation: score.explanation,
        signals: score.signals,
        findings: submitted.findings,
      });
    },
  );

  app.get(
    "/orders/:id/mirrors",
    {
      config: { access: "targets:review" },
      schema: {
        tags,
        summary: "The sites weighed as mirrors of an order's blocked sites, best score first",
        params: idParams,
        querystring: z.object({ state: z.enum(mirrorCandidateStates).optional() }).strict(),
        response: { 200: z.object({ candidates: z.array(candidateSchema) }) },
      },
    },
    async (request, reply) => {
      const order = await findOrder(store.db, request.params.id);
      const candidates = await listMirrorCandidates(store.db, order.id, { state: request.query.state });
      const locale = answerLocale(request, reply);
      return { candidates: candidates.map((candidate) => localizedScore(candidate, locale)) };
    },
  );

  app.get(
    "/mirrors/candidates/:id",
    {
      config: { access: "targets:review" },
      schema: {
        tags,
        summary: "One candidate with its evidence and the blocked site's it was compared with",
        params: idParams,
        response: {
          200: candidateSchema.extend({
            evidence: z.object({ candidate: captureSchema, original: captureSchema.nullable() }),
          }),
        },
      },
    },
    async (request, reply) =>
      localizedScore(await mirrorCandidate(store.db, request.params.id), answerLocale(request, reply)),
  );

  app.get(
    "/orders/:id/mirrors/runs",
    {
      config: { access: "targets:review" },
      schema: {
        tags,
        summary: "The order's discovery runs, newest first, with their progress and the limits they reached",
        params: idParams,
        response: {
          200: z.object({
            runs: z.array(
              z.object({
                id: z.number().int(),
                orderId: z.number().int().nullable(),
                state: z.enum(mirrorRunStates),
                progress: progressSchema,
                startedAt: z.string(),
                finishedAt: z.string().nullable(),
                error: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const order = await findOrder(store.db, request.params.id);
      const runs = await listMirrorRuns(store.db, order.id);
      return { runs: runs.map((run) => ({ ...run, progress: progressSchema.parse(run.progress) })) };
    },
  );

  app.post(
    "/orders/:id/mirrors/discover",
    {
      config: { access: "mirrors:discover" },
      schema: {
        tags,
        summary: "Run mirror discovery for the order now; mirrors are queued for review",
        params: idParams,
        response: {
          200: z.object({
            runId: z.number().int(),
            orderId: z.number().int(),
            progress: progressSchema,
            candidates: z.array(
              z.object({
                name: z.string(),
                original: z.string(),
                score: z.number(),
                verdict: z.enum(mirrorVerdicts),
                explanation: z.string(),
                state: z.string(),
                targetId: z.number().int().nullable(),
                refusal: z.string().optional(),
              }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const site = settings();
      const order = await findOrder(store.db, request.params.id);
      const run = await discoverMirrors(store, order, site, {
        actor: actorFor(request.principal!),
        now,
        checkSettings: deps.checkSettings,
      });
      const locale = answerLocale(request, reply);
      return { ...run, candidates: run.candidates.map((candidate) => localizedScore(candidate, locale)) };
    },
  );

  app.post(
    "/orders/:id/mirrors/capture",
    {
      config: { access: "mirrors:discover" },
      schema: {
        tags,
        summary: "Capture the order's blocked sites again: the fingerprints mirrors are compared with",
        params: idParams,
        response: {
          200: z.object({
            captures: z.array(
              z.object({
                id: z.number().int(),
                name: z.string(),
                sha256: z.string(),
                capturedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const site = settings();
      const order = await findOrder(store.db, request.params.id);
      const captures = await captureOriginals(store, order, site, {
        actor: actorFor(request.principal!),
        now,
        again: true,
      });
      return {
        captures: captures.map(({ id, name, sha256, capturedAt }) => ({ id, name, sha256, capturedAt })),
      };
    },
  );
}

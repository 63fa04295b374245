import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor, type Principal } from "../../accounts/principal.ts";
import { cancelApproval } from "../../registry/cancel-approval.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { scheduleApprovals } from "../../registry/schedule-approvals.ts";
import { type Decision, decisions } from "../../registry/target-lifecycle.ts";
import { listReviewQueue } from "../../review/list-review-queue.ts";
import type { Store } from "../../store/database.ts";
import { decidedTargetSchema, idParams, nextSchema, pageQuery, targetSchema } from "../workflow-schemas.ts";

export interface ReviewRouteDeps {
  store: Store;
  now: () => Date;
  /** How long an approval can be cancelled before it takes effect; 0: at once. */
  approvalCancelWindowMs: number;
  /** The registry changed in a way a release may reflect: build one now rather than at the next poll. */
  onRegistryChange: () => void;
}

const tags = ["review"];

const queuedTargetSchema = targetSchema.extend({
  order: z.object({
    id: z.number().int(),
    authority: z.string(),
    caseNumber: z.string(),
    decisionDate: z.string(),
    jurisdiction: z.string(),
    measures: z.array(z.string()),
    validUntil: z.string(),
    ownerOrganisationId: z.number().int().nullable(),
    confirmedAt: z.string().nullable(),
  }),
});

const reason = z.string().max(4000).describe("required: every decision is on the record with its reason");

const decisionResponse = z.object({
  decision: z.enum(decisions),
  targets: z.array(decidedTargetSchema),
  effectiveAt: z
    .string()
    .nullable()
    .describe("an approval with a cancel window takes effect then; until then the targets stay proposed"),
});

/**
 * The authority's review: the queue of proposed targets, decisions one by one or in bulk (all or none), and
 * the cancel window of approvals.
 */
export async function reviewRoutes(fastify: FastifyInstance, deps: ReviewRouteDeps) {
  const { store, now } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/review/queue",
    {
      config: { access: "targets:review" },
      schema: {
        tags,
        summary: "Proposed targets with their order, oldest first",
        querystring: z
          .object({
            ...pageQuery,
            order: z.coerce.number().int().positive().optional(),
            confirmed: z
              .enum(["true", "false"])
              .transform((value) => value === "true")
              .optional()
              .describe("true: only orders already confirmed (approvable now)"),
          })
          .strict(),
        response: { 200: z.object({ targets: z.array(queuedTargetSchema), next: nextSchema }) },
      },
    },
    async (request) => {
      const { order, ...query } = request.query;
      const targets = await listReviewQueue(store.db, { ...query, orderId: order });
      const last = targets.at(-1);
      return { targets, next: last ? { after: last.id } : null };
    },
  );

  app.post(
    "/targets/:id/decision",
    {
      config: { access: "targets:decide" },
      schema: {
        tags,
        summary: "Approve, reject, suspend or lift a target, with a reason",
        params: idParams,
        body: z.object({ decision: z.enum(decisions), reason }).strict(),
        response: { 200: decisionResponse, 202: decisionResponse },
      },
    },
    async (request, reply) =>
      decide(deps, reply, request.principal!, {
        decision: request.body.decision,
        ids: [request.params.id],
        reason: request.body.reason,
      }),
  );

  app.post(
    "/targets/decisions",
    {
      config: { access: "targets:decide" },
      schema: {
        tags,
        summary: "One decision on many targets, all or none",
        body: z
          .object({
            decision: z.enum(decisions),
            targets: z.array(z.number().int().positive()).min(1).max(10_000),
            reason,
          })
          .strict(),
        response: { 200: decisionResponse, 202: decisionResponse },
      },
    },
    async (request, reply) =>
      decide(deps, reply, request.principal!, {
        decision: request.body.decision,
        ids: request.body.targets,
        reason: request.body.reason,
      }),
  );

  app.post(
    "/targets/:id/cancel-approval",
    {
      config: { access: "targets:decide" },
      schema: {
        tags,
        summary: "Cancel an approval during its cancel window",
        params: idParams,
        body: z
          .object({ reason: z.string().max(4000).optional() })
          .strict()
          .nullish()
          .describe("optional; no body is fine"),
        response: {
          200: z.object({
            targetId: z.number().int(),
            state: z.literal("proposed"),
            cancelledAt: z.string(),
          }),
        },
      },
    },
    async (request) =>
      cancelApproval(store, request.params.id, {
        actor: actorFor(request.principal!),
        now: now(),
        reason: request.body?.reason,
      }),
  );
}

/**
 * A decision takes effect at once (200), except an approval when the cancel window is on: then it is held
 * (202 Accepted, RFC 9110 §15.3.3: accepted, not yet done) and nothing is published before `effectiveAt`.
 */
async function decide(
  deps: ReviewRouteDeps,
  reply: FastifyReply,
  principal: Principal,
  request: { decision: Decision; ids: number[]; reason: string },
) {
  const base = {
    refs: request.ids.map(String),
    reason: request.reason,
    actor: actorFor(principal),
    now: deps.now(),
  };
  if (request.decision === "approve" && deps.approvalCancelWindowMs > 0) {
    const scheduled = await scheduleApprovals(deps.store, { ...base, windowMs: deps.approvalCancelWindowMs });
    return reply.code(202).send({
      decision: request.decision,
      // `to` is the state each target will have when the approval takes effect.
      targets: scheduled.map(({ effectiveAt: _, ...target }) => target),
      effectiveAt: scheduled[0]?.effectiveAt ?? null,
    });
  }
  const decided = await decideTargets(deps.store, { ...base, decision: request.decision });
  deps.onRegistryChange();
  return reply.code(200).send({ decision: request.decision, targets: decided, effectiveAt: null });
}

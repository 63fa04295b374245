import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor, type Principal } from "../../accounts/principal.ts";
import { cancelApproval } from "../../registry/cancel-approval.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { confirmOverride, requestOverride } from "../../registry/override-finding.ts";
import { renewTargets } from "../../registry/renew-targets.ts";
import { scheduleApprovals } from "../../registry/schedule-approvals.ts";
import { type Decision, decisions } from "../../registry/target-lifecycle.ts";
import { secondApprovalNeeded } from "../../registry/weigh-approvals.ts";
import { listPendingApprovals } from "../../review/list-pending-approvals.ts";
import { listReviewQueue } from "../../review/list-review-queue.ts";
import type { Store } from "../../store/database.ts";
import { integerSchema } from "../integer-schema.ts";
import {
  decidedTargetSchema,
  findingSchema,
  idParams,
  nextSchema,
  pageQuery,
  targetSchema,
} from "../workflow-schemas.ts";

export interface ReviewRouteDeps {
  store: Store;
  now: () => Date;
  /** How long an approval can be cancelled before it takes effect; 0: at once. */
  approvalCancelWindowMs: number;
  /** The registry changed in a way a release may reflect: build one now rather than at the next poll. */
  onRegistryChange: () => void;
}

const tags = ["review"];

const requesterSchema = z.object({
  actor: z.string(),
  userId: z.number().int().nullable(),
  email: z.string().nullable(),
});
const secondPersonSchema = z.object({
  roles: z.array(z.string()).describe("a user of one of these roles"),
  notUserId: z.number().int().nullable().describe("anyone but this account, the first person"),
  notActor: z.string(),
});
const pendingStepsSchema = z.object({
  overrides: z.array(
    z.object({
      targetId: z.number().int(),
      value: z.string(),
      orderId: z.number().int(),
      overrideId: z.number().int(),
      code: z.string(),
      reason: z.string().nullable(),
      requestedAt: z.string(),
      requestedBy: requesterSchema,
      mayConfirm: secondPersonSchema,
    }),
  ),
  approvals: z.array(
    z.object({
      targetId: z.number().int(),
      value: z.string(),
      orderId: z.number().int(),
      firstApprovalAt: z.string(),
      reason: z.string().nullable(),
      approvedBy: requesterSchema,
      mayApprove: secondPersonSchema,
    }),
  ),
  truncated: z.boolean().describe("true: more wait than the lists show"),
});

const queuedTargetSchema = targetSchema
  .extend({
    findings: z
      .array(findingSchema)
      .describe("what the safeguard checks found, in the order of src/checks/index.ts"),
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
  })
  .meta({ id: "QueuedTarget" });

const reason = z.string().max(4000).describe("required: every decision is on the record with its reason");

const heldTargetSchema = decidedTargetSchema.extend({
  pending: z.string().optional().describe("set when the approval waits for a second authority user"),
});

const decisionResponse = z.object({
  decision: z.enum(decisions),
  targets: z.array(heldTargetSchema),
  effectiveAt: z
    .string()
    .nullable()
    .describe("an approval with a cancel window takes effect then; until then the targets stay proposed"),
});

const pendingResponse = z.object({
  pending: z.literal("second approval needed"),
  targetId: z.number().int(),
  decision: z.literal("approve"),
});

const overrideParams = z.object({
  id: idParams.shape.id,
  override: integerSchema(),
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
            order: integerSchema().optional(),
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

  app.get(
    "/review/pending",
    {
      config: { access: "registry:read-private" },
      schema: {
        tags,
        summary: "What waits for a second person: open overrides and first approvals, with who may confirm",
        response: { 200: pendingStepsSchema },
      },
    },
    async () => listPendingApprovals(store.db),
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
        response: { 200: decisionResponse, 202: z.union([pendingResponse, decisionResponse]) },
      },
    },
    async (request, reply) =>
      decide(deps, reply, request.principal!, {
        decision: request.body.decision,
        ids: [request.params.id],
        reason: request.body.reason,
        single: true,
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
    "/targets/:id/renewal",
    {
      config: { access: "targets:decide" },
      schema: {
        tags,
        summary:
          "Renew an entry: move its end of validity later, within its order; an expired one comes back",
        params: idParams,
        body: z
          .object({
            until: z.string().min(1).max(40).describe("the new end, e.g. 2027-06-01 or 2027-06-01T00:00:00Z"),
            reason,
          })
          .strict(),
        response: {
          200: z.object({
            renewed: z.array(
              z.object({
                id: z.number().int(),
                orderId: z.number().int(),
                value: z.string(),
                from: z.string(),
                to: z.string(),
                previousUntil: z.string(),
                until: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const renewed = await renewTargets(store, {
        refs: [String(request.params.id)],
        until: request.body.until,
        reason: request.body.reason,
        actor: actorFor(request.principal!),
        now: now(),
      });
      deps.onRegistryChange();
      return { renewed };
    },
  );

  app.post(
    "/targets/:id/override",
    {
      config: { access: "targets:override" },
      schema: {
        tags,
        summary: "Override a blocking finding, by its code, with a reason; another person must confirm it",
        params: idParams,
        body: z.object({ code: z.string().min(1).max(100), reason }).strict(),
        response: {
          201: z.object({
            overrideId: z.number().int(),
            targetId: z.number().int(),
            code: z.string(),
            requestedBy: z.string(),
            requestedAt: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const requested = await requestOverride(store, {
        targetId: request.params.id,
        code: request.body.code,
        reason: request.body.reason,
        actor: actorFor(request.principal!),
        now: now(),
      });
      return reply.code(201).send(requested);
    },
  );

  app.post(
    "/targets/:id/override/:override/confirm",
    {
      config: { access: "targets:confirm-override" },
      schema: {
        tags,
        summary: "Confirm another user's override; the last one missing approves the target",
        params: overrideParams,
        body: z.object({}).strict().nullish().describe("no body"),
        response: {
          200: z.object({
            overrideId: z.number().int(),
            targetId: z.number().int(),
            code: z.string(),
            confirmedBy: z.string(),
            targets: z.array(decidedTargetSchema),
            remaining: z.array(z.string()),
          }),
        },
      },
    },
    async (request) => {
      const confirmed = await confirmOverride(store, {
        targetId: request.params.id,
        overrideId: request.params.override,
        actor: actorFor(request.principal!),
        now: now(),
      });
      if (confirmed.targets.length > 0) deps.onRegistryChange();
      return confirmed;
    },
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
  request: { decision: Decision; ids: number[]; reason: string; single?: boolean },
) {
  const base = {
    refs: request.ids.map(String),
    reason: request.reason,
    actor: actorFor(principal),
    now: deps.now(),
  };
  if (request.decision === "approve" && deps.approvalCancelWindowMs > 0) {
    const scheduled = await scheduleApprovals(deps.store, { ...base, windowMs: deps.approvalCancelWindowMs });
    const held = scheduled[0];
    if (request.single && held?.pending) {
      return reply.code(202).send({ pending: secondApprovalNeeded, targetId: held.id, decision: "approve" });
    }
    return reply.code(202).send({
      decision: request.decision,
      // `to` is the state each target will have when the approval takes effect.
      targets: scheduled.map(({ effectiveAt: _, ...target }) => target),
      effectiveAt: scheduled.find((target) => target.effectiveAt !== null)?.effectiveAt ?? null,
    });
  }
  const decided = await decideTargets(deps.store, { ...base, decision: request.decision });
  const held = decided[0];
  // The first of two approvals (two-person rule): accepted, not done (RFC 9110 §15.3.3).
  if (request.single && held?.pending) {
    return reply.code(202).send({ pending: secondApprovalNeeded, targetId: held.id, decision: "approve" });
  }
  deps.onRegistryChange();
  return reply.code(200).send({ decision: request.decision, targets: decided, effectiveAt: null });
}

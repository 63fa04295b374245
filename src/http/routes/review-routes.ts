import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorFor, type Principal } from "../../accounts/principal.ts";
import { cancelApproval } from "../../registry/cancel-approval.ts";
import { type DecidedTarget, decideTargets } from "../../registry/decide-targets.ts";
import { confirmOverride, requestOverride } from "../../registry/override-finding.ts";
import { renewTargets } from "../../registry/renew-targets.ts";
import { scheduleApprovals } from "../../registry/schedule-approvals.ts";
import type { FilterSelection } from "../../registry/select-by-filter.ts";
import { type Decision, decisions } from "../../registry/target-lifecycle.ts";
import { secondApprovalNeeded } from "../../registry/weigh-approvals.ts";
import { CachedReviewCounts } from "../../review/cached-review-counts.ts";
import { listPendingApprovals } from "../../review/list-pending-approvals.ts";
import { listReviewQueue } from "../../review/list-review-queue.ts";
import { type ReviewQueueFilter, worstSeverities } from "../../review/review-queue-filter.ts";
import type { Store } from "../../store/database.ts";
import { findingCodes, severities, targetKinds } from "../../vocabulary/vocabulary.ts";
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

/** A comma-separated list of words of one vocabulary, in a query string: `severity=info,none`. */
function commaList<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z
    .string()
    .max(2000)
    .regex(/^[A-Za-z_-]+(,[A-Za-z_-]+)*$/, { error: `${what}: words separated by commas` })
    .transform((text) => text.split(","))
    .pipe(z.array(z.enum(values)))
    .describe(`one or more of ${values.join(", ")}, separated by commas`);
}

/** The review queue's filter in a query string (GET /review/queue, GET /review/queue/counts). */
const queueFilterQuery = {
  order: integerSchema().optional().describe("only targets of this order"),
  kind: z.enum(targetKinds).optional().describe("only targets of this kind"),
  code: commaList(findingCodes, "code")
    .optional()
    .describe("only targets with a finding of one of these codes (comma-separated)"),
  severity: commaList(worstSeverities, "severity")
    .optional()
    .describe(
      "only targets whose worst finding is one of these (comma-separated); none: no finding. They partition the queue",
    ),
  confirmed: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .describe("true: only orders already confirmed (approvable now)"),
};

function queueFilter(query: {
  order?: number | undefined;
  kind?: ReviewQueueFilter["kind"];
  code?: ReviewQueueFilter["codes"];
  severity?: ReviewQueueFilter["severities"];
  confirmed?: boolean | undefined;
}): ReviewQueueFilter {
  return {
    orderId: query.order,
    kind: query.kind,
    codes: query.code,
    severities: query.severity,
    confirmed: query.confirmed,
  };
}

/** The same filter in a decision's body: the selection "all matching this filter". */
const filterBodySchema = z
  .object({
    order: z.number().int().positive().optional(),
    kind: z.enum(targetKinds).optional(),
    codes: z.array(z.enum(findingCodes)).max(findingCodes.length).optional(),
    severities: z.array(z.enum(worstSeverities)).max(worstSeverities.length).optional(),
    confirmed: z.boolean().optional(),
  })
  .strict()
  .describe("the review queue's filter, as GET /review/queue takes it");

const countsSchema = z.object({
  matching: z
    .number()
    .int()
    .describe("targets matching the whole filter: what a decision by filter decides on"),
  bySeverity: z
    .array(z.object({ severity: z.enum(worstSeverities), count: z.number().int() }))
    .describe("targets by their worst finding, under the filter without its severities"),
  byCode: z
    .array(z.object({ code: z.enum(findingCodes), severity: z.enum(severities), count: z.number().int() }))
    .describe("targets with a finding of each code, under the filter without its codes"),
  byKind: z
    .array(z.object({ kind: z.enum(targetKinds), count: z.number().int() }))
    .describe("targets of each kind, under the filter without its kind"),
});

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

/** Shown of the targets a decision by filter reached: the counts say the rest. */
const filterAnswerTargets = 1000;

const filterDecisionResponse = z.object({
  decision: z.enum(decisions),
  matched: z.number().int().describe("targets the filter matched, every one decided"),
  changed: z.number().int().describe("targets whose state changed, or will when the approval takes effect"),
  pending: z.number().int().describe("approvals held for a second authority user (two-person rule)"),
  targets: z.array(heldTargetSchema).describe("the first 1,000 targets decided, oldest first"),
  effectiveAt: z.string().nullable(),
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
  const counts = new CachedReviewCounts(store.db);

  app.get(
    "/review/queue",
    {
      config: { access: "targets:review" },
      schema: {
        tags,
        summary: "Proposed targets with their order, oldest first",
        description:
          "A page at a time by keyset (`after`: the `next.after` of the previous page), filtered by order, " +
          "kind, finding code and worst severity; served from indexes on proposed targets only.",
        querystring: z.object({ ...pageQuery, ...queueFilterQuery }).strict(),
        response: { 200: z.object({ targets: z.array(queuedTargetSchema), next: nextSchema }) },
      },
    },
    async (request) => {
      const { after, limit, ...query } = request.query;
      const targets = await listReviewQueue(store.db, { ...queueFilter(query), after, limit });
      const last = targets.at(-1);
      return { targets, next: last ? { after: last.id } : null };
    },
  );

  app.get(
    "/review/queue/counts",
    {
      config: { access: "targets:review" },
      schema: {
        tags,
        summary: "How many proposed targets match a filter, by worst severity, finding code and kind",
        description:
          "Each facet is counted under every other filter but its own, for a filter panel; counted again only " +
          "when the registry changed.",
        querystring: z.object(queueFilterQuery).strict(),
        response: { 200: countsSchema },
      },
    },
    async (request) => counts.counts(queueFilter(request.query)),
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
        description:
          "Name the targets by id (`targets`), or by the review queue's filter (`filter`): then every proposed " +
          "target matching it when the decision is made, with `expected` the count the reviewer saw " +
          "(SELECTION_CHANGED when another count matches now). A decision by filter answers with counts and " +
          "the first 1,000 targets.",
        body: z.union([
          z
            .object({
              decision: z.enum(decisions),
              targets: z.array(z.number().int().positive()).min(1).max(10_000),
              reason,
            })
            .strict(),
          z
            .object({
              decision: z.enum(["approve", "reject"]),
              filter: filterBodySchema,
              expected: z
                .number()
                .int()
                .positive()
                .optional()
                .describe("how many targets matched when the reviewer chose; another count refuses it all"),
              reason,
            })
            .strict(),
        ]),
        response: {
          200: z.union([filterDecisionResponse, decisionResponse]),
          202: z.union([filterDecisionResponse, decisionResponse]),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ("targets" in body) {
        return decide(deps, reply, request.principal!, {
          decision: body.decision,
          ids: body.targets,
          reason: body.reason,
        });
      }
      const { order, ...filter } = body.filter;
      return decide(deps, reply, request.principal!, {
        decision: body.decision,
        ids: [],
        reason: body.reason,
        selection: { filter: { ...filter, orderId: order }, expected: body.expected },
      });
    },
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
  request: {
    decision: Decision;
    ids: number[];
    reason: string;
    single?: boolean;
    selection?: FilterSelection;
  },
) {
  const base = {
    refs: request.ids.map(String),
    selection: request.selection,
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
    // `to` is the state each target will have when the approval takes effect.
    const targets = scheduled.map(({ effectiveAt: _, ...target }) => target);
    const effectiveAt = scheduled.find((target) => target.effectiveAt !== null)?.effectiveAt ?? null;
    return reply.code(202).send(answer(request, targets, effectiveAt));
  }
  const decided = await decideTargets(deps.store, { ...base, decision: request.decision });
  const held = decided[0];
  // The first of two approvals (two-person rule): accepted, not done (RFC 9110 §15.3.3).
  if (request.single && held?.pending) {
    return reply.code(202).send({ pending: secondApprovalNeeded, targetId: held.id, decision: "approve" });
  }
  deps.onRegistryChange();
  return reply.code(200).send(answer(request, decided, null));
}

/** The decided targets, whole for a decision by ids, counted and cut for a decision by filter. */
function answer(
  request: { decision: Decision; selection?: FilterSelection },
  targets: DecidedTarget[],
  effectiveAt: string | null,
) {
  if (!request.selection) return { decision: request.decision, targets, effectiveAt };
  const pending = targets.filter((target) => target.pending).length;
  return {
    decision: request.decision,
    matched: targets.length,
    changed: targets.length - pending,
    pending,
    targets: targets.slice(0, filterAnswerTargets),
    effectiveAt,
  };
}

// The shapes of the API's answers the UI reads, named for the pages: each is the API's own type, generated from
// its OpenAPI document into api-schema.ts (`npm run types:web`), so that a field the API may send as null is
// nullable here too. Never written by hand: a shape missing here gets an id in its route's zod schema.
import type { components, paths } from "./api-schema.ts";
import type { FindingCode, Severity, TargetKind } from "./vocabulary.ts";

type Schemas = components["schemas"];

/** What an operation answers with this status, as JSON (e.g. `Answer<"/me">`). */
export type Answer<
  Path extends keyof paths,
  Method extends "get" | "post" | "put" | "patch" | "delete" = "get",
  Status extends number = 200,
> = paths[Path][Method] extends { responses: infer Responses }
  ? Responses extends Record<Status, { content: { "application/json": infer Body } }>
    ? Body
    : never
  : never;

/** GET /orders, GET /orders/:id: the order with its state and its targets counted by state. */
export type Order = Schemas["OrderSummary"];
export type BlockingWindow = Schemas["BlockingWindow"];
/** GET /targets, GET /orders/:id/targets: with its findings. */
export type Target = Schemas["TargetWithFindings"];
/** GET /review/queue: with its findings and its order. */
export type QueuedTarget = Schemas["QueuedTarget"];
/** An authority's statement that an address serves only the order's sites, with its document's hash. */
export type ExclusiveUseStatement = Schemas["ExclusiveUseStatement"];
export type FoundEntry = Schemas["FoundEntry"];
/** GET /public/entries?q=. */
export type SearchAnswer = Schemas["SearchAnswer"];
export type Statistics = Schemas["Statistics"];
export type User = Schemas["User"];
export type Appeal = Schemas["Appeal"];
/** GET /compliance/probes, per operator; `shareEnforced` is null for an operator never measured. */
export type ProbeCompliance = Schemas["OperatorCompliance"];

/** GET /scorecards/operators and /scorecards/orders: null is "not measured", never 0. */
export type OperatorScorecard = Schemas["OperatorScorecard"];
export type OrderScorecard = Schemas["OrderScorecard"];
export type ScorecardFigures = Omit<OperatorScorecard, "operator" | "kind" | "resolvers">;

/** An appeal with the entries a decision of scope site changes too. */
export type SiteAppeal = Appeal;
/** GET /health: whether the server runs the demo, for the demo's shortcuts. */
export type Health = Schemas["Health"];

export type CanaryCompliance = Pick<
  ProbeCompliance,
  "canaries" | "timeToApply" | "timeToLift" | "contradictedAcks"
>;

/** GET /compliance/acks, `contradictions`: an acknowledgment a resolver's canary answer contradicted. */
export interface AckContradiction {
  code: string;
  resolver: string;
  observedSerial: number | null;
  observedAt: string;
}

// review desk: the review queue, its counts and the two-person rule's open steps (GET /review/queue,
// GET /review/queue/counts, GET /review/pending)

/** A target's worst finding; `none`: the checks found nothing. */
export type WorstSeverity = Severity | "none";

export type Finding = Schemas["Finding"];

export interface ReviewQueuePage {
  targets: QueuedTarget[];
  next: { after: number } | null;
}

export interface ReviewQueueCounts {
  matching: number;
  bySeverity: Array<{ severity: WorstSeverity; count: number }>;
  byCode: Array<{ code: FindingCode; severity: Severity; count: number }>;
  byKind: Array<{ kind: TargetKind; count: number }>;
}

export interface Requester {
  actor: string;
  userId: number | null;
  email: string | null;
}

export interface SecondPerson {
  roles: string[];
  notUserId: number | null;
  notActor: string;
}

export interface PendingSteps {
  overrides: Array<{
    targetId: number;
    value: string;
    orderId: number;
    overrideId: number;
    code: string;
    reason: string | null;
    requestedAt: string;
    requestedBy: Requester;
    mayConfirm: SecondPerson;
  }>;
  approvals: Array<{
    targetId: number;
    value: string;
    orderId: number;
    firstApprovalAt: string;
    reason: string | null;
    approvedBy: Requester;
    mayApprove: SecondPerson;
  }>;
  truncated: boolean;
}

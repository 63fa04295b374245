// The shapes of the API's answers the UI reads (see /openapi.json); only the fields it uses. Closed sets of
// values (states, kinds, roles…) have the types of the registry's vocabulary, copied to vocabulary.ts.
import type {
  AddresseeRole,
  AppealState,
  CheckName,
  FindingCode,
  Measure,
  OrderKind,
  OrderState,
  Role,
  Severity,
  TargetKind,
  TargetOrigin,
  TargetState,
  WindowSource,
  WindowState,
} from "./vocabulary.ts";

export interface Finding {
  check: CheckName;
  severity: Severity;
  code: FindingCode;
  message: string;
  evidence: Record<string, unknown>;
  createdAt: string;
}

export interface Order {
  id: number;
  kind: OrderKind;
  authority: string;
  jurisdiction: string;
  caseNumber: string;
  decisionDate: string;
  applicants: string[];
  addressees: { name: string; role: AddresseeRole }[];
  measures: Measure[];
  deadline: string;
  validFrom: string;
  validUntil: string;
  extendsToMirrors: boolean;
  legalBasis: string | null;
  summary: string | null;
  document: { url: string | null; sha256: string | null };
  confirmedAt: string | null;
  state?: OrderState;
  targets?: Record<string, number> | number;
  ownerOrganisationId: number | null;
  /** Blocking windows (GET /orders/:id): the entries are blocked only during them; none: at all times. */
  windows?: BlockingWindow[];
}

export interface BlockingWindow {
  id: number;
  targetId: number | null;
  startsAt: string;
  endsAt: string;
  eventStartsAt: string | null;
  eventEndsAt: string | null;
  marginBeforeSeconds: number;
  marginAfterSeconds: number;
  label: string | null;
  source: WindowSource;
  state: WindowState;
}

export interface Target {
  id: number;
  orderId: number;
  kind: TargetKind;
  value: string;
  input: string;
  display: string;
  state: TargetState;
  validFrom: string;
  validUntil: string;
  origin: TargetOrigin;
  createdAt: string;
  findings?: Finding[];
  order?: { id: number; authority: string; caseNumber: string; confirmedAt: string | null };
}

/** An authority's statement that an address serves only the order's sites, with its document's hash. */
export interface ExclusiveUseStatement {
  statementId: number;
  address: string;
  statement: string;
  documentSha256: string;
  recordedAt: string;
}

export interface FoundEntry {
  targetId: number;
  kind: TargetKind;
  value: string;
  display: string;
  state: TargetState;
  validFrom: string;
  validUntil: string;
  order: { id: number; authority: string; caseNumber: string; decisionDate: string; jurisdiction: string };
  /** Active, and inside one of its blocking windows if its order has any. */
  blockedNow?: boolean;
  /** Where the entry's latest event is in the log, and its inclusion proof. */
  proof?: { index: number; size: number; url: string } | null;
}

/** GET /public/entries?q=. */
export interface SearchAnswer {
  query: string;
  name?: string;
  refusal?: string;
  blocked?: boolean;
  entries: FoundEntry[];
}

export interface Statistics {
  entriesByDay: { day: string; count: number }[];
  entriesByOrder: {
    orderId: number;
    caseNumber: string;
    authority: string;
    measures: Measure[];
    byState: Partial<Record<TargetState, number>>;
  }[];
  appealsByState: Partial<Record<AppealState, number>>;
}

export interface User {
  id: number;
  email: string;
  role: Role;
  organisationId: number;
  organisationName?: string;
  disabledAt?: string | null;
}

export interface Appeal {
  id: number;
  state: AppealState;
  reason: string;
  filedAt: string;
  updatedAt: string;
  target: { id: number; kind: TargetKind; value: string; display: string; state: TargetState };
  order: { id: number; authority: string; caseNumber: string };
  contact?: string;
}

/** GET /compliance/probes, per operator. */
export interface ProbeCompliance {
  operator: string;
  counts: { enforced: number; notEnforced: number; overBlocked: number; error: number };
  shareEnforced: number;
  overBlockedNames: string[];
  timeToEnforce: { p50Ms: number; p95Ms: number; maxMs: number; count: number };
}

// review desk: the review queue, its counts and the two-person rule's open steps (GET /review/queue,
// GET /review/queue/counts, GET /review/pending)

/** A target's worst finding; `none`: the checks found nothing. */
export type WorstSeverity = Severity | "none";

export interface QueuedTarget extends Target {
  findings: Finding[];
  order: {
    id: number;
    authority: string;
    caseNumber: string;
    decisionDate: string;
    jurisdiction: string;
    measures: string[];
    validUntil: string;
    ownerOrganisationId: number | null;
    confirmedAt: string | null;
  };
}

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

import type { EnforcerKind } from "../../publish/enforcer-kind.ts";

/**
 * What the probes saw in one UTC day: every measurement of the day counts (not only the latest), so a day's
 * figures say what that day's sweeps found.
 */
export interface ScorecardDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** Measurements that day, failed ones included. */
  probes: number;
  enforced: number;
  notEnforced: number;
  overBlocked: number;
  /** Measurements that drew no verdict: a timeout, a SERVFAIL, a resolver failing its control names. */
  failed: number;
  /** enforced / (enforced + not enforced) among names that must be blocked; null when none was judged. */
  shareEnforced: number | null;
  /** Verdicts contradicting the list over judged probes (docs/scorecards.md); null when none was judged. */
  errorRate: number | null;
}

/**
 * The figures every scorecard has, operator or order. A null is "not measured" (no probe, no release to time,
 * no acknowledgment), never zero: a reader must not take an unmeasured operator for a perfect one.
 */
export interface ScorecardFigures {
  /** Latest measurement of each (resolver, name, type): how many there are, failed ones included. */
  probes: number;
  /** Among names that must be blocked: enforced / (enforced + not enforced). */
  shareEnforced: number | null;
  /** From a release adding a name to the first probe seeing every resolver of the operator block it. */
  timeToEnforceP50Ms: number | null;
  timeToEnforceP95Ms: number | null;
  /** From a release removing a name to the first probe seeing it resolve again; null until lifts are timed. */
  timeToLiftP50Ms: number | null;
  timeToLiftP95Ms: number | null;
  /** Names that must resolve (lifted entries, control names) but that some resolver blocks, first 100. */
  overBlockedNames: string[];
  overBlockedCount: number;
  /**
   * Releases behind the registry's latest, by the serial the operator's resolvers were measured serving;
   * null until serials are measured.
   */
  serialLag: number | null;
  /** Releases behind the latest, by the last serial the operator acknowledged; null without acknowledgment. */
  acknowledgedSerialLag: number | null;
  /** Verdicts contradicting the list (not enforced where blocked, blocked where lifted or control) over judged probes. */
  errorRate: number | null;
  /** Verdicts contradicting the list, the numerator of `errorRate`. */
  contradictions: number;
  /** Probes that drew no verdict, apart from the error rate. */
  failedProbes: number;
  lastMeasuredAt: string | null;
  history: ScorecardDay[];
}

export interface OperatorScorecard extends ScorecardFigures {
  operator: string;
  kind: EnforcerKind;
  resolvers: number;
}

/** One operator's figures on one order's names. */
export interface OrderOperatorScorecard extends ScorecardFigures {
  operator: string;
  kind: EnforcerKind;
}

export interface OrderScorecard {
  orderId: number;
  caseNumber: string;
  authority: string;
  /** Every operator probed on the order's names, and every operator with resolvers (unmeasured: nulls). */
  operators: OrderOperatorScorecard[];
}

import { z } from "zod";
import { enforcerKinds } from "../publish/enforcer-kind.ts";

const notMeasured = "null: not measured";
const ratio = (what: string) =>
  z.number().min(0).max(1).nullable().describe(`${what}, 0 to 1; ${notMeasured}`);
const milliseconds = (what: string) => z.number().int().nullable().describe(`${what} (ms); ${notMeasured}`);

const scorecardDay = z
  .object({
    day: z.string().describe("YYYY-MM-DD, UTC"),
    probes: z.number().int().describe("measurements that day, failed ones included"),
    enforced: z.number().int(),
    notEnforced: z.number().int(),
    overBlocked: z.number().int(),
    failed: z.number().int().describe("measurements that drew no verdict (timeout, SERVFAIL)"),
    shareEnforced: ratio("that day's share of blocked names enforced"),
    errorRate: ratio("that day's verdicts contradicting the list over judged probes"),
  })
  .meta({ id: "ScorecardDay" });

const scorecardFigures = {
  probes: z.number().int().describe("the latest measurement of each resolver, name and type"),
  shareEnforced: ratio("among names that must be blocked: enforced / (enforced + not enforced)"),
  timeToEnforceP50Ms: milliseconds("median time from a release adding a name to every resolver blocking it"),
  timeToEnforceP95Ms: milliseconds("95th percentile of the time to enforce"),
  timeToLiftP50Ms: milliseconds("median time from a release removing a name to its resolving again"),
  timeToLiftP95Ms: milliseconds("95th percentile of the time to lift"),
  overBlockedNames: z
    .array(z.string())
    .describe("names that must resolve (lifted entries, control names) but are blocked; first 100"),
  overBlockedCount: z.number().int(),
  serialLag: z
    .number()
    .int()
    .nullable()
    .describe(
      `releases behind the latest, by the serial the resolvers were measured serving; ${notMeasured}`,
    ),
  acknowledgedSerialLag: z
    .number()
    .int()
    .nullable()
    .describe("releases behind the latest, by the operator's last acknowledgment; null: none"),
  errorRate: ratio(
    "probe verdicts contradicting the list (not enforced where blocked, blocked where not) over judged probes",
  ),
  contradictions: z.number().int().describe("the error rate's numerator"),
  failedProbes: z.number().int().describe("probes that drew no verdict, left out of the error rate"),
  lastMeasuredAt: z.string().nullable(),
  history: z.array(scorecardDay).describe("day by day, oldest first, at most a year"),
};

export const operatorScorecardSchema = z
  .object({
    operator: z.string(),
    kind: z.enum(enforcerKinds),
    resolvers: z.number().int(),
    ...scorecardFigures,
  })
  .meta({ id: "OperatorScorecard" });

export const orderScorecardSchema = z
  .object({
    orderId: z.number().int(),
    caseNumber: z.string(),
    authority: z.string(),
    operators: z.array(z.object({ operator: z.string(), kind: z.enum(enforcerKinds), ...scorecardFigures })),
  })
  .meta({ id: "OrderScorecard" });

import type { OperatorScorecard, OrderScorecard, ScorecardFigures } from "./scorecard.ts";

/** The scorecard's columns in CSV, one operator (or operator on an order) a row; history stays in JSON. */
const figureColumns = [
  "probes",
  "share_enforced",
  "time_to_enforce_p50_ms",
  "time_to_enforce_p95_ms",
  "time_to_lift_p50_ms",
  "time_to_lift_p95_ms",
  "over_blocked_count",
  "over_blocked_names",
  "serial_lag",
  "acknowledged_serial_lag",
  "error_rate",
  "contradictions",
  "failed_probes",
  "last_measured_at",
] as const;

/**
 * RFC 4180 §2: fields with a comma, quote or line break are quoted, quotes doubled, lines end in CRLF. An
 * unmeasured figure is an empty field, never 0.
 */
function field(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function line(values: ReadonlyArray<string | number | null>): string {
  return `${values.map(field).join(",")}\r\n`;
}

function figures(card: ScorecardFigures): Array<string | number | null> {
  return [
    card.probes,
    card.shareEnforced,
    card.timeToEnforceP50Ms,
    card.timeToEnforceP95Ms,
    card.timeToLiftP50Ms,
    card.timeToLiftP95Ms,
    card.overBlockedCount,
    // Names are DNS names: a space never occurs in one, so it separates them within the field.
    card.overBlockedNames.join(" "),
    card.serialLag,
    card.acknowledgedSerialLag,
    card.errorRate,
    card.contradictions,
    card.failedProbes,
    card.lastMeasuredAt,
  ];
}

/** Operators' scorecards as CSV, with its header line (served as `text/csv; header=present`, RFC 4180 §3). */
export function operatorScorecardsCsv(cards: readonly OperatorScorecard[]): string {
  return [
    line(["operator", "kind", "resolvers", ...figureColumns]),
    ...cards.map((card) => line([card.operator, card.kind, card.resolvers, ...figures(card)])),
  ].join("");
}

/** Orders' scorecards as CSV, one row per order and operator. */
export function orderScorecardsCsv(cards: readonly OrderScorecard[]): string {
  return [
    line(["order_id", "case_number", "authority", "operator", "kind", ...figureColumns]),
    ...cards.flatMap((card) =>
      card.operators.map((operator) =>
        line([
          card.orderId,
          card.caseNumber,
          card.authority,
          operator.operator,
          operator.kind,
          ...figures(operator),
        ]),
      ),
    ),
  ].join("");
}

import { Command } from "commander";
import { operatorScorecards } from "../../verify/scorecards/operator-scorecards.ts";
import { orderScorecards } from "../../verify/scorecards/order-scorecards.ts";
import type { ScorecardFigures } from "../../verify/scorecards/scorecard.ts";
import { operatorScorecardsCsv, orderScorecardsCsv } from "../../verify/scorecards/scorecard-csv.ts";
import { globalOptions, withStore } from "../cli-context.ts";
import { output, table } from "../output.ts";
import { positiveInteger } from "../parse-options.ts";

interface ScorecardOptions {
  csv?: boolean;
}

const notMeasured = "not measured";

function percent(value: number | null): string {
  return value === null ? notMeasured : `${Math.round(value * 1000) / 10}%`;
}

function seconds(value: number | null): string {
  return value === null ? notMeasured : `${Math.round(value / 100) / 10}s`;
}

function count(value: number | null): string {
  return value === null ? notMeasured : String(value);
}

const figureHeader = [
  "enforced",
  "enforce p50",
  "enforce p95",
  "lift p50",
  "lift p95",
  "over-blocked",
  "serial lag",
  "ack lag",
  "error rate",
];

function figureCells(card: ScorecardFigures): string[] {
  return [
    percent(card.shareEnforced),
    seconds(card.timeToEnforceP50Ms),
    seconds(card.timeToEnforceP95Ms),
    seconds(card.timeToLiftP50Ms),
    seconds(card.timeToLiftP95Ms),
    String(card.overBlockedCount),
    count(card.serialLag),
    count(card.acknowledgedSerialLag),
    percent(card.errorRate),
  ];
}

/** `decree scorecards operators|orders`: the public scorecards, as the HTTP API serves them, from the store. */
export function scorecardsCommand(): Command {
  const scorecards = new Command("scorecards");

  scorecards
    .command("operators")
    .description(
      "each operator's scorecard: share enforced, times to enforce and lift, over-blocking, lag, errors",
    )
    .argument("[name]", "one operator only")
    .option("--csv", "as CSV (RFC 4180), as GET /scorecards/operators.csv")
    .action(async (name: string | undefined, options: ScorecardOptions, command: Command) => {
      const cards = await withStore(command, (store) => operatorScorecards(store.db, name));
      if (options.csv) return void process.stdout.write(operatorScorecardsCsv(cards));
      output(globalOptions(command).json, name ? cards[0] : { operators: cards }, () =>
        table([
          ["operator", "probes", ...figureHeader],
          ...cards.map((card) => [card.operator, String(card.probes), ...figureCells(card)]),
        ]),
      );
    });

  scorecards
    .command("orders")
    .description("each published order's scorecard, one line per operator")
    .argument("[id]", "one order only", positiveInteger)
    .option("--csv", "as CSV (RFC 4180), as GET /scorecards/orders.csv")
    .action(async (id: number | undefined, options: ScorecardOptions, command: Command) => {
      const cards = await withStore(command, (store) => orderScorecards(store.db, id));
      if (options.csv) return void process.stdout.write(orderScorecardsCsv(cards));
      output(globalOptions(command).json, id ? cards[0] : { orders: cards }, () =>
        table([
          ["order", "case", "operator", "probes", ...figureHeader],
          ...cards.flatMap((card) =>
            card.operators.map((operator) => [
              String(card.orderId),
              card.caseNumber,
              operator.operator,
              String(operator.probes),
              ...figureCells(operator),
            ]),
          ),
        ]),
      );
    });

  return scorecards;
}

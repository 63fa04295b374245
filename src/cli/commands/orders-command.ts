import { Command } from "commander";
import { checkSettings } from "../../checks/check-settings.ts";
import { recordFindings } from "../../checks/record-findings.ts";
import { confirmOrder } from "../../intake/confirm-order.ts";
import { readOrderFile } from "../../intake/parse-order-file.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { listOrders, type OrderSummary, showOrder } from "../../registry/list-orders.ts";
import { configOf, globalOptions, withStore } from "../cli-context.ts";
import { actAs, withIdentityOptions } from "../cli-identity.ts";
import { dateOnly, output, table } from "../output.ts";

export function ordersCommand(): Command {
  const orders = new Command("orders");

  orders
    .command("add")
    .description("record an order from a YAML or JSON file, with the targets it lists (all or nothing)")
    .argument("<file>", "the order, e.g. data/demo/allostreaming-2013.yaml")
    .option("--skip-invalid", "store the valid targets and report the others (else: all or nothing)")
    .option(
      "--starting-today",
      "move the validity window to start today, keeping its length: to try decree with a past order " +
        "(the event log says so)",
    )
    .action(
      async (file: string, options: { skipInvalid?: boolean; startingToday?: boolean }, command: Command) => {
        const { input, targetLines } = await readOrderFile(file);
        const now = new Date();
        const settings = checkSettings(configOf(command));
        const result = await withStore(command, (store) =>
          actAs(command, store, "orders:submit", "record orders", (scoped, who) =>
            recordOrder(scoped, input, {
              actor: who.actor,
              now,
              targetLines,
              skipInvalid: options.skipInvalid ?? false,
              ...(options.startingToday ? { validityStartsAt: now } : {}),
              afterTargets: (trx, order, targets) =>
                recordFindings(trx, order, targets.added, { now, settings }),
            }),
          ),
        );
        output(globalOptions(command).json, result, () =>
          [
            `recorded order ${result.order.id}: ${result.order.authority}, ${result.order.caseNumber}`,
            `  valid ${result.order.validFrom} to ${result.order.validUntil}`,
            `  ${result.targets?.added.length ?? 0} targets proposed; approve them with \`decree targets approve\``,
            ...(result.targets?.rejected ?? []).map(
              (line) => `  skipped line ${line.line}: ${line.code} ${line.input}: ${line.message}`,
            ),
          ].join("\n"),
        );
      },
    );

  withIdentityOptions(orders.commands[0]!);

  orders
    .command("confirm")
    .description("confirm an order an applicant submitted over HTTP, so that its targets can be approved")
    .argument("<id>", "the order id")
    .option("--reason <text>", "why, for the record (e.g. checked against the court's register)")
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      const order = await withStore(command, (store) =>
        actAs(command, store, "orders:confirm", "confirm orders", (scoped, who) =>
          confirmOrder(scoped, id, { actor: who.actor, now: new Date(), reason: options.reason }),
        ),
      );
      output(globalOptions(command).json, order, () => `confirmed order ${order.id} (${order.caseNumber})`);
    });
  withIdentityOptions(orders.commands[1]!);

  orders
    .command("list")
    .description("list orders with their state and target counts")
    .action(async (_options: unknown, command: Command) => {
      const list = await withStore(command, (store) => listOrders(store.db, new Date()));
      output(globalOptions(command).json, { orders: list }, () => ordersTable(list));
    });

  orders
    .command("show")
    .description("show one order in full")
    .argument("<id>", "the order id")
    .action(async (id: string, _options: unknown, command: Command) => {
      const order = await withStore(command, (store) => showOrder(store.db, id, new Date()));
      output(globalOptions(command).json, order, () => describeOrder(order));
    });

  return orders;
}

function ordersTable(list: OrderSummary[]): string {
  if (list.length === 0) return "no orders yet; record one with `decree orders add FILE`";
  return table([
    ["ID", "STATE", "DECIDED", "UNTIL", "CASE", "AUTHORITY", "TARGETS"],
    ...list.map((order) => [
      String(order.id),
      order.state,
      order.decisionDate,
      dateOnly(order.validUntil),
      order.caseNumber,
      order.authority,
      String(Object.values(order.targets).reduce((a, b) => a + b, 0)),
    ]),
  ]);
}

const notConfirmed = "not yet: `decree orders confirm ID` (an applicant submitted it)";

function describeOrder(order: OrderSummary): string {
  const counts = Object.entries(order.targets)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(", ");
  return [
    `order ${order.id} (${order.state})`,
    `  ${order.kind} of ${order.authority} (${order.jurisdiction}), ${order.caseNumber}, ${order.decisionDate}`,
    `  applicants: ${order.applicants.join("; ")}`,
    `  addressees: ${order.addressees.map((a) => `${a.name} (${a.role})`).join(", ")}`,
    `  measures:   ${order.measures.join(", ")}; apply within ${order.deadline}`,
    `  valid:      ${order.validFrom} to ${order.validUntil}; mirrors ${order.extendsToMirrors ? "included" : "not included"}`,
    ...(order.legalBasis ? [`  basis:      ${order.legalBasis}`] : []),
    ...(order.document.sha256
      ? [`  document:   sha256 ${order.document.sha256} ${order.document.url ?? ""}`]
      : []),
    `  confirmed:  ${order.confirmedAt ? `${order.confirmedAt} by ${order.confirmedBy}` : notConfirmed}`,
    `  targets:    ${counts || "none"}`,
    ...(order.summary ? ["", `  ${order.summary}`] : []),
  ].join("\n");
}

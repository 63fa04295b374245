import { readFile } from "node:fs/promises";
import { Command } from "commander";
import type { Principal } from "../../accounts/principal.ts";
import { checkSettings } from "../../checks/check-settings.ts";
import { recordFindings } from "../../checks/record-findings.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { localizedMessage } from "../../errors/localize-refusal.ts";
import { addWindows } from "../../intake/add-windows.ts";
import type { BlockingWindow } from "../../intake/blocking-window.ts";
import { confirmOrder } from "../../intake/confirm-order.ts";
import { findOrderAs, type OrderScope } from "../../intake/find-order-as.ts";
import { toInstant } from "../../intake/instant.ts";
import { readOrderFile } from "../../intake/parse-order-file.ts";
import { recordOrder } from "../../intake/record-order.ts";
import { windowRequests } from "../../intake/window-requests.ts";
import { withdrawWindow } from "../../intake/withdraw-window.ts";
import { eventText } from "../../locale/event-text.ts";
import type { MessageParams } from "../../locale/format-message.ts";
import type { Locale } from "../../locale/locale.ts";
import { listOrders, type OrderSummary, showOrder } from "../../registry/list-orders.ts";
import { listWindows, publicWindow } from "../../registry/list-windows.ts";
import { orderHistory } from "../../registry/order-history.ts";
import { configOf, globalOptions, withStore } from "../cli-context.ts";
import { actAs, withIdentityOptions } from "../cli-identity.ts";
import { localeOf } from "../cli-locale.ts";
import { type CliTextKey, cliText, cliWord } from "../cli-texts.ts";
import { dateOnly, output, table } from "../output.ts";
import { listLimit, positiveInteger } from "../parse-options.ts";

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
    .option(
      "--ede <code>",
      "the Extended DNS Error its blocked answers carry (RFC 8914): 15|blocked, 16|censored (default), " +
        "17|filtered; overrides the file's ede",
    )
    .action(
      async (
        file: string,
        options: { skipInvalid?: boolean; startingToday?: boolean; ede?: string },
        command: Command,
      ) => {
        const read = await readOrderFile(file);
        const { targetLines } = read;
        const input = options.ede === undefined ? read.input : { ...read.input, ede: options.ede };
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
        const locale = localeOf(command);
        output(globalOptions(command).json, result, () =>
          [
            cliText(locale, "order.recorded", {
              id: result.order.id,
              authority: result.order.authority,
              caseNumber: result.order.caseNumber,
            }),
            cliText(locale, "order.recordedValid", {
              from: result.order.validFrom,
              until: result.order.validUntil,
            }),
            cliText(locale, "order.recordedTargets", { count: result.targets?.added.length ?? 0 }),
            ...(result.targets?.rejected ?? []).map((line) =>
              cliText(locale, "order.skippedLine", {
                line: line.line,
                code: line.code,
                input: line.input,
                message: localizedMessage(line, locale),
              }),
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
      output(globalOptions(command).json, { orders: list }, () => ordersTable(list, localeOf(command)));
    });

  orders
    .command("show")
    .description("show one order in full")
    .argument("<id>", "the order id")
    .action(async (id: string, _options: unknown, command: Command) => {
      const order = await withStore(command, (store) => showOrder(store.db, id, new Date()));
      output(globalOptions(command).json, order, () => describeOrder(order, localeOf(command)));
    });

  orders
    .command("history")
    .description("an order's events and its targets', each told in a sentence, oldest first")
    .argument("<id>", "the order id")
    .option("--limit <n>", "the latest n events, 1 to 1000 (default 50)", listLimit)
    .action(async (id: string, options: { limit?: number }, command: Command) => {
      const locale = localeOf(command);
      const events = await withStore(command, async (store) => {
        const order = await findOrderAs(store.db, id, null);
        return orderHistory(store.db, order.id, options.limit ?? 50);
      });
      const told = events.map((event) => ({
        ...event,
        data: JSON.parse(event.data) as unknown,
        text: eventText(event, locale),
      }));
      output(globalOptions(command).json, { events: told }, () =>
        told.length === 0
          ? cliText(locale, "history.none", { id })
          : table([
              cliText(locale, "history.header").split("|"),
              ...told.map((event) => [
                event.at.slice(0, 19).replace("T", " "),
                event.actor,
                event.reason ? `${event.text} — ${event.reason}` : event.text,
              ]),
            ]),
      );
    });

  orders.addCommand(windowsCommand());

  return orders;
}

interface WindowAddOptions {
  from?: string;
  to?: string;
  label?: string;
  ical?: string;
  marginBefore?: string;
  marginAfter?: string;
  target?: number;
  reason?: string;
}

/**
 * Blocking windows: while an order has any, its entries are served only during them (live events). Intervals
 * come from --from/--to, events from an iCalendar file; all or none.
 */
function windowsCommand(): Command {
  const windows = new Command("windows").description(
    "blocking windows: an order's entries served only during given intervals (e.g. live matches)",
  );
  windows
    .command("add")
    .description("add a window (--from, --to) or the events of an iCalendar file (--ical) to an order")
    .argument("<order>", "the order id")
    .option("--from <date-time>", "the window's start, e.g. 2026-06-01T19:00:00Z")
    .option("--to <date-time>", "the window's end")
    .option("--label <text>", "what the window is for, shown on the portal (e.g. the match)")
    .option("--ical <file>", "an iCalendar file (RFC 5545): one window per event")
    .option("--margin-before <duration>", "with --ical: open each window this long before the event (15m)")
    .option("--margin-after <duration>", "with --ical: close it this long after the event's end (30m)")
    .option("--target <id>", "the target these windows restrict (default: the whole order)", positiveInteger)
    .option("--reason <text>", "why, for the record")
    .action(async (orderRef: string, options: WindowAddOptions, command: Command) => {
      const ics = options.ical === undefined ? undefined : await readCalendar(options.ical);
      if ((options.from === undefined) !== (options.to === undefined) || (!options.from && !ics)) {
        throw new DecreeError(
          "REQUEST_INVALID",
          "Give a window as --from and --to, or an iCalendar file with --ical FILE (or both).",
        );
      }
      const added = await withStore(command, (store) =>
        actAs(command, store, "windows:manage", "manage blocking windows", async (scoped, who) => {
          const order = await findOrderAs(scoped.db, orderRef, scopeOf(who.principal));
          const requests = windowRequests(
            {
              ...(options.from && options.to
                ? {
                    windows: [
                      {
                        from: instantText(options.from),
                        until: instantText(options.to),
                        label: options.label,
                      },
                    ],
                  }
                : {}),
              ...(ics
                ? { calendar: { ics, marginBefore: options.marginBefore, marginAfter: options.marginAfter } }
                : {}),
            },
            { until: new Date(order.validUntil), source: options.ical ?? "the calendar" },
          );
          return addWindows(scoped.db, order, requests, {
            actor: who.actor,
            now: new Date(),
            ...(options.target === undefined ? {} : { targetId: options.target }),
            ...(options.reason ? { reason: options.reason } : {}),
          });
        }),
      );
      output(globalOptions(command).json, { windows: added.map(publicWindow) }, () =>
        [
          `added ${added.length} window${added.length === 1 ? "" : "s"} to order ${orderRef}`,
          windowsTable(added),
        ].join("\n"),
      );
    });
  withIdentityOptions(windows.commands[0]!);

  windows
    .command("list")
    .description("list an order's blocking windows, withdrawn ones included")
    .argument("<order>", "the order id")
    .action(async (orderRef: string, _options: unknown, command: Command) => {
      const list = await withStore(command, async (store) => {
        const order = await findOrderAs(store.db, orderRef, null);
        return listWindows(store.db, [order.id], { withdrawn: true });
      });
      output(globalOptions(command).json, { windows: list.map(publicWindow) }, () =>
        list.length === 0
          ? `order ${orderRef} has no windows: its entries are served at all times`
          : windowsTable(list),
      );
    });

  windows
    .command("withdraw")
    .description("withdraw a window (kept as withdrawn in the store and the log)")
    .argument("<order>", "the order id")
    .argument("<window>", "the window id")
    .option("--reason <text>", "why, for the record")
    .action(async (orderRef: string, windowRef: string, options: { reason?: string }, command: Command) => {
      const window = await withStore(command, (store) =>
        actAs(command, store, "windows:manage", "manage blocking windows", async (scoped, who) => {
          const order = await findOrderAs(scoped.db, orderRef, scopeOf(who.principal));
          return withdrawWindow(scoped.db, order, windowRef, {
            actor: who.actor,
            now: new Date(),
            ...(options.reason ? { reason: options.reason } : {}),
          });
        }),
      );
      output(globalOptions(command).json, publicWindow(window), () => `withdrew window ${window.id}`);
    });
  withIdentityOptions(windows.commands[2]!);
  return windows;
}

async function readCalendar(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new DecreeError(
      "ORDER_FILE_UNREADABLE",
      `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}. Check the path.`,
    );
  }
}

/** A day alone is its start in UTC, as for orders; a date-time keeps its offset. */
function instantText(text: string): string {
  const date = toInstant(text.trim());
  if (Number.isNaN(date.getTime())) {
    throw new DecreeError(
      "REQUEST_INVALID",
      `"${text}" is not a date-time; write it as 2026-06-01T19:00:00Z or with an offset (+02:00).`,
    );
  }
  return date.toISOString();
}

function scopeOf(principal: Principal): OrderScope {
  return principal.role === "applicant" ? { ownOrganisationId: principal.organisationId } : null;
}

function windowsTable(list: BlockingWindow[]): string {
  return table([
    ["ID", "STATE", "FROM", "TO", "TARGET", "LABEL"],
    ...list.map((window) => [
      String(window.id),
      window.state,
      window.startsAt,
      window.endsAt,
      window.targetId === null ? "(order)" : String(window.targetId),
      window.label ?? "",
    ]),
  ]);
}

function ordersTable(list: OrderSummary[], locale: Locale): string {
  if (list.length === 0) return cliText(locale, "orders.none");
  return table([
    cliText(locale, "orders.header").split("|"),
    ...list.map((order) => [
      String(order.id),
      cliWord(locale, order.state),
      order.decisionDate,
      dateOnly(order.validUntil),
      order.caseNumber,
      order.authority,
      String(Object.values(order.targets).reduce((a, b) => a + b, 0)),
    ]),
  ]);
}

function describeOrder(order: OrderSummary, locale: Locale): string {
  const say = (key: CliTextKey, params: MessageParams = {}) => cliText(locale, key, params);
  const counts = Object.entries(order.targets)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => say("order.count", { count: n, state: cliWord(locale, state) }))
    .join(", ");
  return [
    say("order.title", { id: order.id, state: cliWord(locale, order.state) }),
    say("order.kind", {
      kind: cliWord(locale, order.kind),
      authority: order.authority,
      jurisdiction: order.jurisdiction,
      caseNumber: order.caseNumber,
      decisionDate: order.decisionDate,
    }),
    say("order.applicants", { applicants: order.applicants.join("; ") }),
    say("order.addressees", { addressees: order.addressees.map((a) => `${a.name} (${a.role})`).join(", ") }),
    say("order.measures", { measures: order.measures.join(", "), deadline: order.deadline }),
    say("order.valid", {
      from: order.validFrom,
      until: order.validUntil,
      mirrors: order.extendsToMirrors ? "yes" : "no",
    }),
    ...(order.legalBasis ? [say("order.basis", { basis: order.legalBasis })] : []),
    ...(order.document.sha256
      ? [say("order.document", { sha256: order.document.sha256, url: order.document.url ?? "" })]
      : []),
    order.confirmedAt
      ? say("order.confirmed", { at: order.confirmedAt, by: String(order.confirmedBy) })
      : say("order.notConfirmed"),
    say("order.targets", { counts: counts || say("order.noTargets") }),
    ...(order.windows?.length
      ? [
          say("order.windows", { count: order.windows.length, id: order.id }),
          ...order.windows.map((w) =>
            say("order.window", {
              from: w.startsAt,
              until: w.endsAt,
              state: cliWord(locale, w.state),
              label: w.label ? ` ${w.label}` : "",
            }),
          ),
        ]
      : []),
    ...(order.summary ? ["", `  ${order.summary}`] : []),
  ].join("\n");
}

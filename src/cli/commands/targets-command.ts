import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { loadCheckData } from "../../checks/check-data.ts";
import { checkSettings } from "../../checks/check-settings.ts";
import type { Finding } from "../../checks/finding.ts";
import { type RecordedFindings, recordFindings } from "../../checks/record-findings.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { localizedMessage } from "../../errors/localize-refusal.ts";
import { type AddTargetsResult, addTargets, type TargetRequest } from "../../intake/add-targets.ts";
import { findOrder } from "../../intake/find-order.ts";
import { type ImportTargetsResult, importTargets, keptTargets } from "../../intake/import-targets.ts";
import { targetFileBatches } from "../../intake/parse-target-file.ts";
import { type Target, targetStates } from "../../intake/target.ts";
import type { Locale } from "../../locale/locale.ts";
import { targetKinds } from "../../names/target-kind.ts";
import { decideTargets } from "../../registry/decide-targets.ts";
import { listTargets, maxTargetPage, type TargetFilter } from "../../registry/list-targets.ts";
import { confirmOverride, requestOverride } from "../../registry/override-finding.ts";
import { recordExclusiveUse } from "../../registry/record-exclusive-use.ts";
import { renewTargets } from "../../registry/renew-targets.ts";
import { type Decision, decisions } from "../../registry/target-lifecycle.ts";
import { listPendingApprovals, type PendingSteps } from "../../review/list-pending-approvals.ts";
import { appendEvents } from "../../store/append-events.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { configOf, globalOptions, withStore } from "../cli-context.ts";
import {
  actAs,
  cliCommandEvent,
  identify,
  identityOptionsOf,
  requireRole,
  withIdentityOptions,
} from "../cli-identity.ts";
import { localeOf } from "../cli-locale.ts";
import { cliText, cliWord } from "../cli-texts.ts";
import { dateOnly, output, table } from "../output.ts";
import { positiveInteger } from "../parse-options.ts";
import { progressBar } from "../progress.ts";

const decisionHelp: Record<Decision, string> = {
  approve: "approve proposed targets (they become entries) or reinstate suspended ones",
  reject: "reject proposed targets",
  suspend: "suspend entries at once (e.g. on appeal); approve reinstates them",
  lift: "lift entries for good",
};

export function targetsCommand(): Command {
  const targets = new Command("targets");

  targets
    .command("add")
    .description("propose targets under an order (all or nothing unless --skip-invalid)")
    .argument("<order>", "the order id")
    .argument("<names...>", "names, URLs, IPs or prefixes; *.name means the name and all below")
    .addOption(
      new Option("--kind <kind>", "the kind of every name (inferred when absent)").choices(targetKinds),
    )
    .option("--until <date>", "end of validity, within the order's (default: the order's end)")
    .option("--skip-invalid", "store the valid targets and report the others")
    .action(async (orderRef: string, names: string[], options: AddOptions, command: Command) => {
      const requests = names.map((input, index) => ({
        input,
        kind: options.kind,
        until: options.until,
        line: index + 1,
      }));
      await runAdd(command, orderRef, requests, options, false);
    });

  targets
    .command("import")
    .description("propose every target of a file: one per line, or CSV with a header (target[,kind][,until])")
    .argument("<order>", "the order id")
    .argument("<file>", "the file to import")
    .option("--skip-invalid", "store the valid lines and report the rejected ones")
    .action(async (orderRef: string, file: string, options: AddOptions, command: Command) => {
      await runImport(command, orderRef, file, options);
    });

  for (const decision of decisions) {
    targets
      .command(decision)
      .description(decisionHelp[decision])
      .argument("<targets...>", "target ids or names")
      .requiredOption("--reason <text>", "why: it goes on the public record")
      .option("--order <id>", "only targets of this order (when a name is on several)", positiveInteger)
      .action(async (refs: string[], options: { reason: string; order?: number }, command: Command) => {
        const decided = await withStore(command, (store) =>
          actAs(command, store, "targets:decide", `${decision} targets`, (scoped, who) =>
            decideTargets(scoped, {
              decision,
              refs,
              reason: options.reason,
              actor: who.actor,
              now: new Date(),
              ...(options.order ? { orderId: options.order } : {}),
            }),
          ),
        );
        output(globalOptions(command).json, { decision, targets: decided }, () =>
          decided
            .map((t) =>
              t.pending
                ? `target ${t.id} ${t.value}: ${t.from}, ${t.pending} (another user approves it)`
                : `target ${t.id} ${t.value}: ${t.from} -> ${t.to}`,
            )
            .join("\n"),
        );
      });
  }

  targets
    .command("renew")
    .description("move entries' end of validity later, within their order; renews expired ones too")
    .argument("<targets...>", "target ids or names")
    .requiredOption("--until <date>", "the new end, e.g. 2027-06-01 or 2027-06-01T00:00:00Z")
    .requiredOption("--reason <text>", "why: it goes on the public record")
    .option("--order <id>", "only targets of this order (when a name is on several)", positiveInteger)
    .action(
      async (
        refs: string[],
        options: { until: string; reason: string; order?: number },
        command: Command,
      ) => {
        const renewed = await withStore(command, (store) =>
          actAs(command, store, "targets:decide", "renew entries", (scoped, who) =>
            renewTargets(scoped, {
              refs,
              until: options.until,
              reason: options.reason,
              actor: who.actor,
              now: new Date(),
              ...(options.order ? { orderId: options.order } : {}),
            }),
          ),
        );
        output(globalOptions(command).json, { renewed }, () =>
          renewed
            .map(
              (t) =>
                `target ${t.id} ${t.value}: until ${t.previousUntil} -> ${t.until} (${t.from} -> ${t.to})`,
            )
            .join("\n"),
        );
      },
    );

  // The two persons of the two-person rule are two accounts, each proven (cli-identity.ts), as over HTTP.
  targets
    .command("override")
    .description("override a blocking finding by its code; another person confirms it (confirm-override)")
    .argument("<target>", "target id", positiveInteger)
    .requiredOption("--code <code>", "the blocking finding's code, e.g. TARGET_PROTECTED_NAME")
    .requiredOption("--reason <text>", "why: it goes on the public record")
    .action(async (target: number, options: { code: string; reason: string }, command: Command) => {
      const requested = await withStore(command, (store) =>
        actAs(command, store, "targets:override", "override a blocking finding", (scoped, who) =>
          requestOverride(scoped, {
            targetId: target,
            code: options.code,
            reason: options.reason,
            actor: who.actor,
            now: new Date(),
          }),
        ),
      );
      output(
        globalOptions(command).json,
        requested,
        () =>
          `override ${requested.overrideId} of ${requested.code} on target ${requested.targetId}: ` +
          "another person must confirm it",
      );
    });

  targets
    .command("exclusive-use")
    .description(
      "record that an address target serves only its order's sites, with the document that shows it " +
        "(what approving an address needs when passive DNS does not show it clean)",
    )
    .argument("<target>", "target id of an ip or cidr target", positiveInteger)
    .requiredOption(
      "--statement <text>",
      "whose the address is and why it serves only the order's sites; public",
    )
    .option("--document <file>", "the document that shows it; decree records its SHA-256, not the file")
    .option("--sha256 <hex>", "the document's SHA-256, when the file is kept elsewhere")
    .action(
      async (
        target: number,
        options: { statement: string; document?: string; sha256?: string },
        command: Command,
      ) => {
        const documentSha256 = documentDigest(options);
        const recorded = await withStore(command, (store) =>
          actAs(command, store, "targets:decide", "record a statement of exclusive use", (scoped, who) =>
            recordExclusiveUse(scoped, {
              targetId: target,
              statement: options.statement,
              documentSha256,
              actor: who.actor,
              now: new Date(),
            }),
          ),
        );
        output(
          globalOptions(command).json,
          recorded,
          () =>
            `statement ${recorded.statementId}: ${recorded.address} (order ${recorded.orderId}) serves only ` +
            `the order's sites, document ${recorded.documentSha256}`,
        );
      },
    );

  targets
    .command("confirm-override")
    .description("confirm another person's override; the last one missing approves the target")
    .argument("<target>", "target id", positiveInteger)
    .argument("<override>", "override id", positiveInteger)
    .action(async (target: number, override: number, _options: unknown, command: Command) => {
      const confirmed = await withStore(command, (store) =>
        actAs(command, store, "targets:confirm-override", "confirm an override", (scoped, who) =>
          confirmOverride(scoped, {
            targetId: target,
            overrideId: override,
            actor: who.actor,
            now: new Date(),
          }),
        ),
      );
      output(globalOptions(command).json, confirmed, () =>
        confirmed.targets.length > 0
          ? confirmed.targets.map((t) => `target ${t.id} ${t.value}: ${t.from} -> ${t.to}`).join("\n")
          : `override ${confirmed.overrideId} confirmed; still blocked by ${confirmed.remaining.join(", ")}`,
      );
    });

  targets
    .command("pending")
    .description("what waits for a second person: open overrides and first approvals, with who may confirm")
    .action(async (_options: unknown, command: Command) => {
      const pending = await withStore(command, (store) => listPendingApprovals(store.db));
      output(globalOptions(command).json, pending, () => pendingText(pending));
    });

  targets
    .command("list")
    .description("list targets, oldest first")
    .option("--order <id>", "only this order's", positiveInteger)
    .addOption(new Option("--state <state>", "only in this state").choices(targetStates))
    .addOption(new Option("--kind <kind>", "only of this kind").choices(targetKinds))
    .option("--after <id>", "start after this target id (pagination)", positiveInteger)
    .option("--limit <n>", "at most this many", positiveInteger, 100)
    .action(async (options: ListOptions, command: Command) => {
      const { targets: list, truncated } = await withStore(command, (store) =>
        listAllTargets(store.db, { ...options, orderId: options.order }, options.limit ?? 100),
      );
      const last = list.at(-1);
      const locale = localeOf(command);
      output(
        globalOptions(command).json,
        { targets: list, truncated, next: truncated && last ? { after: last.id } : null },
        () =>
          targetsTable(list, locale) +
          (truncated && last ? `\n${cliText(locale, "targets.more", { after: last.id })}` : ""),
      );
    });

  for (const sub of targets.commands) {
    if (sub.name() !== "list" && sub.name() !== "pending") withIdentityOptions(sub);
  }
  return targets;
}

interface AddOptions {
  kind?: string;
  until?: string;
  skipInvalid?: boolean;
}

interface ListOptions {
  order?: number;
  state?: Target["state"];
  kind?: Target["kind"];
  after?: number;
  limit?: number;
}

async function runAdd(
  command: Command,
  orderRef: string,
  requests: TargetRequest[],
  options: AddOptions,
  bar: boolean,
) {
  const json = globalOptions(command).json;
  const progress = progressBar(bar && !json);
  const config = configOf(command);
  const now = new Date();
  let result: AddTargetsResult;
  let findings: RecordedFindings;
  try {
    ({ result, findings } = await withStore(command, async (store) => {
      // Proven before the transaction: a password prompt must not hold the store's write lock.
      const who = await identify(command, store, identityOptionsOf(command));
      requireRole(who, "targets:submit", "propose targets");
      return inTransaction(store.db, async (trx) => {
        await appendEvents(trx, [cliCommandEvent(command, who)]);
        const order = await findOrder(trx, orderRef);
        const added = await addTargets(trx, order, requests, {
          actor: who.actor,
          now,
          skipInvalid: options.skipInvalid ?? false,
          onProgress: progress.report,
        });
        // The safeguards' findings land in the same transaction as the targets they are about.
        const recorded = await recordFindings(trx, order, added.added, {
          now,
          settings: checkSettings(config),
        });
        return { result: added, findings: recorded };
      });
    }));
  } finally {
    progress.stop();
  }
  printAdded(
    json,
    {
      orderId: result.orderId,
      added: result.added.length,
      targets: result.added,
      rejected: result.rejected,
      rejectedCount: result.rejected.length,
      findings,
    },
    localeOf(command),
  );
}

/**
 * `targets import`: the file is streamed in batches, each checked and stored before the next is read, all in
 * one transaction, so that memory holds one batch whatever the file's size and a refused line still stores
 * nothing. Every safeguard runs, as for `targets add` and over HTTP; the checks' lists are loaded once.
 */
async function runImport(command: Command, orderRef: string, file: string, options: AddOptions) {
  const json = globalOptions(command).json;
  const progress = progressBar(!json);
  const config = configOf(command);
  const settings = checkSettings(config);
  const now = new Date();
  let result: ImportTargetsResult;
  const findings: RecordedFindings & { heldCount?: number } = {
    counts: { block: 0, review: 0, info: 0 },
    held: [],
  };
  try {
    result = await withStore(command, async (store) => {
      const who = await identify(command, store, identityOptionsOf(command));
      requireRole(who, "targets:submit", "propose targets");
      return inTransaction(store.db, async (trx) => {
        // A transaction run again (SQLite busy) starts the tally again.
        findings.counts = { block: 0, review: 0, info: 0 };
        findings.held = [];
        delete findings.heldCount;
        await appendEvents(trx, [cliCommandEvent(command, who)]);
        const order = await findOrder(trx, orderRef);
        const data = await loadCheckData(trx, settings);
        const batches = targetFileBatches(file, {
          onRead: (bytes, size) => progress.report("import", bytes, size),
        });
        return importTargets(trx, order, batches, {
          actor: who.actor,
          now,
          skipInvalid: options.skipInvalid ?? false,
          // The safeguards' findings land in the same transaction as the targets they are about.
          onBatch: async (added) => {
            const recorded = await recordFindings(trx, order, added, { now, settings, data });
            addFindings(findings, recorded);
          },
        });
      });
    });
  } finally {
    progress.stop();
  }
  printAdded(json, { ...result, findings }, localeOf(command));
}

/** Held targets listed in an import's answer; past them, `heldCount` counts them all. */
const keptHeld = 10_000;

function addFindings(total: RecordedFindings & { heldCount?: number }, batch: RecordedFindings): void {
  for (const severity of Object.keys(batch.counts) as Finding["severity"][]) {
    total.counts[severity] += batch.counts[severity];
  }
  for (const held of batch.held) {
    if (total.held.length < keptHeld) total.held.push(held);
    else total.heldCount = (total.heldCount ?? total.held.length) + 1;
  }
}

function printAdded(
  json: boolean | undefined,
  result: Omit<ImportTargetsResult, "targets"> & { targets: readonly unknown[]; findings: RecordedFindings },
  locale: Locale,
): void {
  const { findings } = result;
  const omitted = result.rejectedCount - result.rejected.length;
  output(
    json,
    {
      orderId: result.orderId,
      added: result.added,
      rejected: result.rejected,
      ...(omitted > 0 ? { rejectedCount: result.rejectedCount } : {}),
      // Past 1,000 targets the list would drown the terminal: it is left out, and said so.
      targets: result.added <= keptTargets ? result.targets : undefined,
      targetsOmitted: result.added > keptTargets,
      findings,
    },
    () =>
      [
        cliText(locale, "targets.added", {
          orderId: result.orderId,
          added: result.added,
          rejected: result.rejectedCount,
        }),
        ...result.rejected.map((r) =>
          cliText(locale, "targets.rejectedLine", {
            line: r.line,
            code: r.code,
            input: r.input,
            message: localizedMessage(r, locale),
          }),
        ),
        ...(omitted > 0 ? [cliText(locale, "targets.moreRejected", { omitted })] : []),
        cliText(locale, "targets.findings", findings.counts),
        ...findings.held
          .slice(0, 20)
          .map((h) => cliText(locale, "targets.held", { targetId: h.targetId, codes: h.codes.join(", ") })),
      ].join("\n"),
  );
}

function pendingText(pending: PendingSteps): string {
  const who = (r: { email: string | null; actor: string }) => r.email ?? r.actor;
  const lines = [
    ...pending.overrides.map(
      (o) =>
        `override ${o.overrideId} of ${o.code} on target ${o.targetId} ${o.value}: asked by ${who(o.requestedBy)}; ` +
        `confirm: decree targets confirm-override ${o.targetId} ${o.overrideId} (an ${o.mayConfirm.roles.join(" or ")}, not them)`,
    ),
    ...pending.approvals.map(
      (a) =>
        `target ${a.targetId} ${a.value}: first approval by ${who(a.approvedBy)}; second: decree targets approve ` +
        `${a.targetId} --reason … (an ${a.mayApprove.roles.join(" or ")}, not them)`,
    ),
  ];
  if (pending.truncated) lines.push("(more wait: the list stops here)");
  return lines.length === 0 ? "nothing waits for a second person" : lines.join("\n");
}

/**
 * Up to `wanted` targets, read a page of the store's largest at a time (a --limit past 10,000 is not cut
 * short silently), and whether more match past them.
 */
async function listAllTargets(
  db: Store["db"],
  filter: TargetFilter,
  wanted: number,
): Promise<{ targets: Target[]; truncated: boolean }> {
  const targets: Target[] = [];
  let after = filter.after;
  while (targets.length < wanted) {
    const limit = Math.min(maxTargetPage, wanted - targets.length);
    const page = await listTargets(db, { ...filter, after, limit });
    targets.push(...page);
    if (page.length < limit) return { targets, truncated: false };
    after = page.at(-1)!.id;
  }
  const more = await listTargets(db, { ...filter, after, limit: 1 });
  return { targets, truncated: more.length > 0 };
}

function targetsTable(list: Target[], locale: Locale): string {
  if (list.length === 0) return cliText(locale, "targets.none");
  return table([
    cliText(locale, "targets.header").split("|"),
    ...list.map((t) => [
      String(t.id),
      String(t.orderId),
      cliWord(locale, t.state),
      t.kind,
      dateOnly(t.validUntil),
      t.display === t.value ? t.value : `${t.value} (${t.display})`,
    ]),
  ]);
}

/** The document's digest: read from the file, or as given; exactly one of the two. */
function documentDigest(options: { document?: string; sha256?: string }): string {
  if ((options.document === undefined) === (options.sha256 === undefined)) {
    throw new DecreeError(
      "EXCLUSIVE_USE_INVALID",
      "Give the document that shows exclusive use, --document FILE or --sha256 HEX (one of them).",
    );
  }
  if (options.sha256 !== undefined) return options.sha256;
  try {
    return createHash("sha256").update(readFileSync(options.document!)).digest("hex");
  } catch (error) {
    throw new DecreeError(
      "EXCLUSIVE_USE_INVALID",
      `Cannot read ${options.document}: ${(error as Error).message}.`,
    );
  }
}

import { Command } from "commander";
import { registryStatus } from "../../registry/registry-status.ts";
import { globalOptions, withStore } from "../cli-context.ts";
import { localeOf } from "../cli-locale.ts";
import { type CliTextKey, cliText, cliWord } from "../cli-texts.ts";
import { output } from "../output.ts";

export function statusCommand(): Command {
  return new Command("status").action(async (_options: unknown, command: Command) => {
    const status = await withStore(command, (store) => registryStatus(store, new Date()));
    const locale = localeOf(command);
    const labels: CliTextKey[] = ["status.orders", "status.targets", "status.entries"];
    // The labels' width depends on the language ("décisions" is longer than "orders"), so the counts align on the
    // longest label of the one being printed.
    const width = Math.max(8, ...labels.map((label) => cliText(locale, label).length));
    const line = (label: CliTextKey, group: { total: number; byState: Record<string, number> }) =>
      `${cliText(locale, label).padEnd(width)} ${String(group.total).padStart(9)}  ${Object.entries(
        group.byState,
      )
        .map(([state, n]) => `${cliWord(locale, state)} ${n}`)
        .join(", ")}`;
    output(globalOptions(command).json, status, () =>
      [
        line("status.orders", status.orders),
        line("status.targets", status.targets),
        line("status.entries", status.entries),
      ].join("\n"),
    );
  });
}

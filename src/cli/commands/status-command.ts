import { Command } from "commander";
import { registryStatus } from "../../registry/registry-status.ts";
import { globalOptions, withStore } from "../cli-context.ts";
import { output } from "../output.ts";

export function statusCommand(): Command {
  return new Command("status").action(async (_options: unknown, command: Command) => {
    const status = await withStore(command, (store) => registryStatus(store, new Date()));
    const line = (label: string, group: { total: number; byState: Record<string, number> }) =>
      `${label.padEnd(8)} ${String(group.total).padStart(9)}  ${Object.entries(group.byState)
        .map(([state, n]) => `${state} ${n}`)
        .join(", ")}`;
    output(globalOptions(command).json, status, () =>
      [line("orders", status.orders), line("targets", status.targets), line("entries", status.entries)].join(
        "\n",
      ),
    );
  });
}

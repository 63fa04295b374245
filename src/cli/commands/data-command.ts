import { Command } from "commander";
import { listCheckData, updateCheckData } from "../../checks/update-check-data.ts";
import { actorOf, globalOptions, withStore } from "../cli-context.ts";
import { output, table } from "../output.ts";

/** The safeguards' data: shared-infrastructure ranges and protected names, updated offline from a file. */
export function dataCommand(): Command {
  const data = new Command("data");

  data
    .command("update")
    .description(
      "load a newer copy of the shared-infrastructure ranges or the protected names (format of data/)",
    )
    .argument("<file>", "a JSON file like data/shared-infrastructure.json or data/protected-names.json")
    .action(async (file: string, _options: unknown, command: Command) => {
      const loaded = await withStore(command, (store) =>
        updateCheckData(store.db, file, { actor: actorOf(command), now: new Date() }),
      );
      output(
        globalOptions(command).json,
        loaded,
        () =>
          `loaded ${loaded.kind} copy ${loaded.id}: ${loaded.entries} entries, dated ${loaded.date} ` +
          `(${loaded.source}); the checks use it from now on`,
      );
    });

  data
    .command("list")
    .description("the copies loaded so far, newest first (the shipped files are used when there are none)")
    .action(async (_options: unknown, command: Command) => {
      const copies = await withStore(command, (store) => listCheckData(store.db));
      output(globalOptions(command).json, { copies }, () =>
        copies.length === 0
          ? "no copy loaded: the checks use the shipped files in data/"
          : table([
              ["ID", "KIND", "DATE", "LOADED", "SOURCE"],
              ...copies.map((c) => [String(c.id), c.kind, c.date, c.loadedAt, c.source]),
            ]),
      );
    });

  return data;
}

import { Command } from "commander";
import { listPassiveDnsLoads, loadPassiveDns } from "../../checks/load-passive-dns.ts";
import { listCheckData, updateCheckData } from "../../checks/update-check-data.ts";
import { actorOf, globalOptions, withStore } from "../cli-context.ts";
import { output, table } from "../output.ts";

/** The safeguards' data: ranges, protected names, ASN classes, public resolvers, passive DNS; offline, from files. */
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

  data
    .command("load-passive-dns")
    .description(
      "load passive-DNS observations (Rapid7 FDNS JSON lines or CSV name,address, gzip or not), streamed, " +
        "for the co-hosting check; all or nothing",
    )
    .argument("<file>", "the observations, one per line")
    .option(
      "--source <text>",
      "where the observations come from, for the findings (default: the file's name)",
    )
    .action(async (file: string, options: { source?: string }, command: Command) => {
      const loaded = await withStore(command, (store) =>
        loadPassiveDns(store.db, file, {
          actor: actorOf(command),
          now: new Date(),
          ...(options.source ? { source: options.source } : {}),
        }),
      );
      output(
        globalOptions(command).json,
        loaded,
        () =>
          `loaded passive DNS ${loaded.id} (${loaded.format}): ${loaded.observations} observations, ` +
          `${loaded.pairs} new address-site pairs, ${loaded.skipped} lines skipped; the co-hosting check uses them now`,
      );
    });

  data
    .command("passive-dns")
    .description("the passive-DNS files loaded so far, newest first")
    .action(async (_options: unknown, command: Command) => {
      const loads = await withStore(command, (store) => listPassiveDnsLoads(store.db));
      output(globalOptions(command).json, { loads }, () =>
        loads.length === 0
          ? "no passive DNS loaded: the co-hosting check knows only the registry's own snapshots"
          : table([
              ["ID", "FORMAT", "OBSERVATIONS", "PAIRS", "LOADED", "SOURCE"],
              ...loads.map((l) => [
                String(l.id),
                l.format,
                String(l.observations),
                String(l.pairs),
                l.loadedAt,
                l.source,
              ]),
            ]),
      );
    });

  return data;
}

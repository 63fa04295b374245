import { Command } from "commander";
import { currentAsnTable } from "../../checks/asn-table.ts";
import { loadCheckData } from "../../checks/check-data.ts";
import { checkSettings } from "../../checks/check-settings.ts";
import { coHostedDomains } from "../../checks/co-hosted-domains.ts";
import { listPassiveDnsLoads, loadPassiveDns } from "../../checks/load-passive-dns.ts";
import { listCheckData, updateCheckData } from "../../checks/update-check-data.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { normalizeIp } from "../../names/normalize-ip.ts";
import { actorOf, configOf, globalOptions, withStore } from "../cli-context.ts";
import { output, table } from "../output.ts";

/** The safeguards' data: ranges, protected names, ASN classes, public resolvers, passive DNS; offline, from files. */
export function dataCommand(): Command {
  const data = new Command("data");

  data
    .command("update")
    .description(
      "load a newer copy of the shared-infrastructure ranges, protected names, ASN classes or public resolvers " +
        "(format of data/), or a folder of IP-to-ASN tables (an @ip-location-db/asn release)",
    )
    .argument(
      "<file>",
      "a JSON file like those of data/, or a folder holding asn-ipv4-num.csv and asn-ipv6-num.csv",
    )
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

  data
    .command("address")
    .description(
      "what the checks know of an address or prefix: its autonomous systems and their class, its sites",
    )
    .argument("<address>", "an IP address or prefix, e.g. 104.16.0.1 or 188.114.96.0/24")
    .action(async (text: string, _options: unknown, command: Command) => {
      const normalized = normalizeIp(text.trim(), text.includes("/"));
      if (!normalized.ok)
        throw new DecreeError(normalized.code, normalized.message, undefined, normalized.params);
      const address = normalized.value;
      const settings = checkSettings(configOf(command));
      const shown = await withStore(command, async (store) => {
        const table = await currentAsnTable(store.db, settings.asnDataFolder);
        const classes = (await loadCheckData(store.db, settings)).asnClasses;
        const networks = table.lookup(address).map((range) => ({
          ...range,
          class: classes.get(range.asn)?.class ?? null,
        }));
        const { dataset } = table;
        const { sites, atLeast, sample, passiveDnsLoaded } = await coHostedDomains(store.db, address);
        return { address, networks, dataset, sites, atLeast, sample, passiveDnsLoaded };
      });
      output(globalOptions(command).json, shown, () =>
        [
          ...shown.networks.map(
            (n) => `AS${n.asn} ${n.organisation} (${n.class ?? "unclassified"}), ${n.first} - ${n.last}`,
          ),
          ...(shown.networks.length === 0 ? ["announced by no autonomous system the dataset knows"] : []),
          shown.passiveDnsLoaded || shown.sites > 0
            ? `${shown.atLeast ? "at least " : ""}${shown.sites} sites: ${shown.sample.map((s) => s.site).join(", ")}`
            : "sites unknown: no passive DNS loaded (decree data load-passive-dns) and no snapshot found it",
          `IP-to-ASN data: ${shown.dataset.source}, ${shown.dataset.date}; ${shown.dataset.licence}`,
        ].join("\n"),
      );
    });

  return data;
}

import { Command } from "commander";
import type { ServiceConfig } from "../../config/load-config.ts";
import { ServedSerial } from "../../publish/dns/served-serial.ts";
import { serialLessThan } from "../../publish/dns/soa-serial.ts";
import { backupSqlite, restoreSqlite } from "../../store/backup-store.ts";
import { configOf, globalOptions } from "../cli-context.ts";
import { output } from "../output.ts";

/** `decree backup FILE`: a consistent copy of the SQLite store, taken while decree serves. */
export function backupCommand(): Command {
  return new Command("backup")
    .argument("<file>", "where to write the copy")
    .action(async (file: string, _options: unknown, command: Command) => {
      const config = configOf(command);
      if (config.databaseUrl) return postgresGuidance(command, "backup", file);
      const summary = await backupSqlite(config.dataDir, file);
      output(
        globalOptions(command).json,
        { backup: summary },
        () => `backed up release ${summary.release} (SOA serial ${summary.soaSerial}) to ${summary.file}`,
      );
    });
}

/** `decree restore FILE`: the store back as a backup had it; never lets the serial go backwards. */
export function restoreCommand(): Command {
  return new Command("restore")
    .argument("<file>", "a file written by decree backup")
    .action(async (file: string, _options: unknown, command: Command) => {
      const config = configOf(command);
      if (config.databaseUrl) return postgresGuidance(command, "restore", file);
      const served = await new ServedSerial(config.dataDir).load();
      const summary = await restoreSqlite(config.dataDir, file);
      const behind =
        served !== undefined && summary.soaSerial !== served && !serialLessThan(served, summary.soaSerial);
      output(globalOptions(command).json, { restored: summary, servedSerial: served ?? null }, () =>
        [
          `restored release ${summary.release} (SOA serial ${summary.soaSerial}) from ${summary.file}`,
          ...(behind
            ? [
                `  secondaries may hold serial ${served}, which is past the backup's: the next decree serve`,
                "  publishes the restored zone as a new release past it, so they transfer it at once.",
              ]
            : []),
        ].join("\n"),
      );
    });
}

/** PostgreSQL's own tools do this better than decree could; the serial is guarded at the next start all the same. */
function postgresGuidance(command: Command, what: "backup" | "restore", file: string): void {
  const config: ServiceConfig = configOf(command);
  const lines =
    what === "backup"
      ? [
          "The store is PostgreSQL: back it up with its own tool, consistent while decree serves:",
          `  pg_dump --format=custom --file=${file} "$DATABASE_URL"`,
        ]
      : [
          "The store is PostgreSQL: stop every decree serve that uses it, then restore with its own tool:",
          `  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" ${file}`,
          `Keep ${config.dataDir}/served-serial.json: the next decree serve publishes past the serial it names.`,
        ];
  output(
    globalOptions(command).json,
    { engine: "postgres", guidance: lines.slice(1).map((l) => l.trim()) },
    () => lines.join("\n"),
  );
}

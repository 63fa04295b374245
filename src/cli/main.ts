import { Command, CommanderError } from "commander";
import { DecreeError } from "../errors/decree-error.ts";
import { accountsCommand } from "./commands/accounts-command.ts";
import { backupCommand, restoreCommand } from "./commands/backup-command.ts";
import { dataCommand } from "./commands/data-command.ts";
import { keysCommand } from "./commands/keys-command.ts";
import { mirrorsCommand } from "./commands/mirrors-command.ts";
import { namesCommand } from "./commands/names-command.ts";
import { operatorsCommand } from "./commands/operators-command.ts";
import { ordersCommand } from "./commands/orders-command.ts";
import { probeCommand } from "./commands/probe-command.ts";
import { publishCommand } from "./commands/publish-command.ts";
import { serveCommand } from "./commands/serve-command.ts";
import { statusCommand } from "./commands/status-command.ts";
import { targetsCommand } from "./commands/targets-command.ts";
import { tokensCommand } from "./commands/tokens-command.ts";
import { verifyCommand } from "./commands/verify-command.ts";

/** Exit codes: 0 done, 1 refused (the message says why and how to fix it), 2 the command line was wrong. */
export function buildProgram(): Command {
  const program = new Command("decree")
    .description("turn blocking orders into enforced DNS blocking and search de-listing, with safeguards")
    .option("--data <dir>", "folder of the embedded SQLite store (env DECREE_DATA; default ./data)")
    .option("--database-url <url>", "use PostgreSQL instead of SQLite (env DATABASE_URL)")
    .option("--config <file>", "config file (env DECREE_CONFIG; default ./decree.yaml when present)")
    .option("--as <actor>", "who the event log names for this command (env DECREE_ACTOR)")
    .option("--json", "print JSON for scripts")
    .showHelpAfterError()
    .exitOverride();
  for (const command of [
    ordersCommand(),
    targetsCommand(),
    namesCommand(),
    statusCommand(),
    operatorsCommand(),
    serveCommand(),
    publishCommand(),
    keysCommand(),
    accountsCommand(),
    tokensCommand(),
    dataCommand(),
    mirrorsCommand(),
    probeCommand(),
    backupCommand(),
    restoreCommand(),
    verifyCommand(),
  ]) {
    program.addCommand(command);
  }
  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error, program.opts().json === true || argv.includes("--json"));
  }
}

function exitCodeFor(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof DecreeError) {
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, ...error.details } }, null, 2)}\n`,
      );
    }
    process.stderr.write(`decree: ${error.code}: ${error.message}\n`);
    if (!json) printRejectedLines(error);
    return 1;
  }
  process.stderr.write(
    `decree: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 70;
}

function printRejectedLines(error: DecreeError): void {
  const rejected = error.details?.rejected;
  if (!Array.isArray(rejected) || rejected.length <= 1) return;
  for (const line of rejected as Array<{ line: number; code: string; input: string; message: string }>) {
    process.stderr.write(`  line ${line.line}: ${line.code} ${line.input}: ${line.message}\n`);
  }
}

await main(process.argv);

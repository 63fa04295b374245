import { Command, CommanderError, Option } from "commander";
import { DecreeError } from "../errors/decree-error.ts";
import { localizedMessage, localizeRefusal } from "../errors/localize-refusal.ts";
import type { RejectedTarget } from "../intake/add-targets.ts";
import { type Locale, locales } from "../locale/locale.ts";
import { cliLocale } from "./cli-locale.ts";
import { cliText } from "./cli-texts.ts";
import { commandIndex, commandNameOf } from "./command-index.ts";
import { commanderMessage } from "./commander-message.ts";
import { packageVersion } from "./package-version.ts";

/**
 * The program with every command named but only the one `args` runs loaded; the others are stubs that carry their
 * summary for `decree --help`. Without `args` every command is loaded, as the generated CLI reference needs.
 */
export async function buildProgram(args?: string[]): Promise<Command> {
  const program = new Command("decree")
    .description("turn blocking orders into enforced DNS blocking and search de-listing, with safeguards")
    .version(packageVersion(), "-V, --version", "print decree's version")
    .option(
      "--data <dir>",
      "folder of the SQLite registry (env DECREE_DATA; default ./var in a checkout, else ~/.local/state/decree)",
    )
    .option("--database-url <url>", "use PostgreSQL instead of SQLite (env DATABASE_URL)")
    .option("--config <file>", "config file (env DECREE_CONFIG; default ./decree.yaml when present)")
    .option(
      "--as <email>",
      "the account a command acts as; prove it with --password-stdin, --token or an OS-user mapping",
    )
    .option("--json", "print JSON for scripts")
    .addOption(
      new Option(
        "--lang <lang>",
        "language of messages for people (default from LC_ALL, LC_MESSAGES, LANG; else en); --json stays English",
      ).choices(locales),
    )
    .showHelpAfterError()
    .exitOverride();
  const running = args === undefined ? undefined : commandNameOf(args);
  for (const [name, entry] of Object.entries(commandIndex)) {
    const command =
      args === undefined || name === running ? await entry.load() : new Command(name).allowUnknownOption();
    program.addCommand(command.description(entry.summary));
  }
  // commander parses before any action runs, so the language of its errors comes from the words typed.
  const locale = cliLocale(args === undefined ? undefined : langArgument(args));
  const output = {
    outputError: (text: string, write: (text: string) => void) => write(commanderMessage(text, locale)),
  };
  program.configureOutput(output);
  for (const command of allCommands(program)) command.exitOverride().configureOutput(output);
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/**
 * Runs the decree command; bin/decree.js calls it, and importing this file runs nothing. Exit codes: 0 done,
 * 1 refused (the message says why and how to fix it), 2 the command line was wrong.
 */
export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv.slice(2));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const lang = program.opts().lang ?? langArgument(argv);
    process.exitCode = exitCodeFor(
      error,
      program.opts().json === true || argv.includes("--json"),
      cliLocale(typeof lang === "string" ? lang : undefined),
    );
  }
}

/** --lang as typed, for a refusal that came before the options were parsed. */
function langArgument(argv: string[]): string | undefined {
  const at = argv.findIndex((arg) => arg === "--lang" || arg.startsWith("--lang="));
  if (at < 0) return undefined;
  return argv[at]!.includes("=") ? argv[at]!.slice("--lang=".length) : argv[at + 1];
}

function exitCodeFor(error: unknown, json: boolean, locale: Locale): number {
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
    process.stderr.write(`decree: ${error.code}: ${localizeRefusal(error, locale).detail}\n`);
    if (!json) printRejectedLines(error, locale);
    return 1;
  }
  process.stderr.write(
    `decree: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 70;
}

function printRejectedLines(error: DecreeError, locale: Locale): void {
  const rejected = error.details?.rejected;
  if (!Array.isArray(rejected) || rejected.length <= 1) return;
  for (const line of rejected as RejectedTarget[]) {
    const message = localizedMessage(line, locale);
    process.stderr.write(
      `${cliText(locale, "targets.rejectedLine", { line: line.line, code: line.code, input: line.input, message })}\n`,
    );
  }
}

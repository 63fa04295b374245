import { Command, Option } from "commander";
import { localizedMessage } from "../../errors/localize-refusal.ts";
import type { Locale } from "../../locale/locale.ts";
import { type NameCheck, normalizeTarget } from "../../names/normalize-target.ts";
import { type TargetKind, targetKinds } from "../../names/target-kind.ts";
import { globalOptions } from "../cli-context.ts";
import { localeOf } from "../cli-locale.ts";
import { cliText } from "../cli-texts.ts";

export function namesCommand(): Command {
  const names = new Command("names");
  names
    .command("check")
    .description(
      "show what the registry would store for each input, storing nothing; exit 1 if any is refused",
    )
    .argument("<inputs...>", "names, URLs, IP addresses or prefixes")
    .addOption(
      new Option("--kind <kind>", "read every input as this kind (inferred when absent)").choices(
        targetKinds,
      ),
    )
    .action((inputs: string[], options: { kind?: TargetKind }, command: Command) => {
      const checks = inputs.map((input) => normalizeTarget(input, options.kind));
      const json = globalOptions(command).json;
      // One JSON object per line, so that a script can stream it.
      const locale = localeOf(command);
      for (const check of checks) {
        process.stdout.write(`${json ? JSON.stringify(check) : describe(check, locale)}\n`);
      }
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });
  return names;
}

function describe(check: NameCheck, locale: Locale): string {
  const word = (key: "names.refused" | "names.ok") => cliText(locale, key).padEnd(8);
  if (!check.ok) {
    return `${word("names.refused")} ${check.input}\n         ${check.code}: ${localizedMessage(check, locale)}`;
  }
  const display = check.display !== check.value ? ` (${check.display})` : "";
  const warning = cliText(locale, "names.warning");
  const warnings = check.warnings.map((w) => `\n         ${warning} ${w.code}: ${w.message}`).join("");
  return `${word("names.ok")} ${check.input}\n         ${check.kind} ${check.value}${display}${warnings}`;
}

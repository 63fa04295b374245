import { Command, Option } from "commander";
import { type NameCheck, normalizeTarget } from "../../names/normalize-target.ts";
import { type TargetKind, targetKinds } from "../../names/target-kind.ts";
import { globalOptions } from "../cli-context.ts";

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
      for (const check of checks) process.stdout.write(`${json ? JSON.stringify(check) : describe(check)}\n`);
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });
  return names;
}

function describe(check: NameCheck): string {
  if (!check.ok) return `refused  ${check.input}\n         ${check.code}: ${check.message}`;
  const display = check.display !== check.value ? ` (${check.display})` : "";
  const warnings = check.warnings.map((w) => `\n         warning ${w.code}: ${w.message}`).join("");
  return `ok       ${check.input}\n         ${check.kind} ${check.value}${display}${warnings}`;
}

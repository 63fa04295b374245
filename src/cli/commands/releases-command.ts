import { Argument, Command } from "commander";
import { decideRollout } from "../../publish/rollout/decide-rollout.ts";
import { openRollout } from "../../publish/rollout/open-rollout.ts";
import { type StagingChoice, setStaging } from "../../publish/rollout/set-staging.ts";
import { actorOf, globalOptions, withStore } from "../cli-context.ts";
import { localeOf } from "../cli-locale.ts";
import { cliText } from "../cli-texts.ts";
import { output } from "../output.ts";

/** `decree releases rollout|proceed|withdraw|staging`: the staged rollout, and a person's decisions on it. */
export function releasesCommand(): Command {
  const releases = new Command("releases").description(
    "the staged rollout: releases served to canary operators first, promoted or halted",
  );

  releases
    .command("rollout")
    .description("show the staged release, if any: its serial, its state, and why it halted")
    .action(async (_options: unknown, command: Command) => {
      const rollout = await withStore(command, (store) => openRollout(store.db));
      output(globalOptions(command).json, { rollout: rollout ?? null }, () => {
        if (!rollout) return "no release is staged";
        const lines = [
          `release ${rollout.serial} (SOA ${rollout.soaSerial}) is ${rollout.state}, staged since ${rollout.startedAt}`,
          cliText(localeOf(command), "releases.withheld", { count: rollout.targetIds.length }),
        ];
        for (const o of rollout.halt?.overBlocked ?? []) {
          lines.push(`over-blocked at ${o.operator} (${o.resolver}): ${o.name} answered ${o.answer}`);
        }
        return lines.join("\n");
      });
    });

  for (const decision of ["proceed", "withdraw"] as const) {
    releases
      .command(decision)
      .description(
        decision === "proceed"
          ? "release the staged release to every operator, halted or not"
          : "take the staged release's entries back (suspended): a new, higher release without them",
      )
      .argument("<serial>", "the staged release's serial", (value) => Number(value))
      .requiredOption("--reason <text>", "why, for the log")
      .action(async (serial: number, options: { reason: string }, command: Command) => {
        const rollout = await withStore(command, (store) =>
          decideRollout(store, {
            decision,
            serial,
            reason: options.reason,
            actor: actorOf(command),
            now: new Date(),
          }),
        );
        output(globalOptions(command).json, { rollout, decision }, () =>
          decision === "proceed"
            ? `release ${rollout.serial} goes to every operator`
            : cliText(localeOf(command), "releases.withdrawn", {
                serial: rollout.serial,
                count: rollout.targetIds.length,
              }),
        );
      });
  }

  releases
    .command("staging")
    .description("stage releases that add entries (on), never (off), or as releases.staged says (default)")
    .addArgument(new Argument("<choice>", "on, off or default").choices(["on", "off", "default"]))
    .requiredOption("--reason <text>", "why, for the log")
    .action(async (choice: StagingChoice, options: { reason: string }, command: Command) => {
      await withStore(command, (store) =>
        setStaging(store.db, choice, { actor: actorOf(command), now: new Date(), reason: options.reason }),
      );
      output(globalOptions(command).json, { staging: choice }, () => `staging: ${choice}`);
    });

  return releases;
}

import { Argument, Command } from "commander";
import { DecreeError } from "../../errors/decree-error.ts";
import { decideRollout } from "../../publish/rollout/decide-rollout.ts";
import { findRollout, openRollout } from "../../publish/rollout/open-rollout.ts";
import { type StagingChoice, setStaging } from "../../publish/rollout/set-staging.ts";
import { rolloutControls } from "../../verify/rollout/rollout-controls.ts";
import { actorOf, globalOptions, withStore } from "../cli-context.ts";
import { localeOf } from "../cli-locale.ts";
import { cliText } from "../cli-texts.ts";
import { output } from "../output.ts";
import { positiveInteger } from "../parse-options.ts";

/** `decree releases rollout|proceed|withdraw|staging`: the staged rollout, and a person's decisions on it. */
export function releasesCommand(): Command {
  const releases = new Command("releases").description(
    "the staged rollout: releases served to canary operators first, promoted or halted",
  );

  releases
    .command("rollout")
    .description(
      "show the staged release (or the rollout of SERIAL, open or ended): its state, why it halted, and the " +
        "control-name answers at the canaries it rested on",
    )
    .argument("[serial]", "a staged release's serial; by default the open rollout", positiveInteger)
    .action(async (serial: number | undefined, _options: unknown, command: Command) => {
      const found = await withStore(command, async (store) => {
        const rollout =
          serial === undefined ? await openRollout(store.db) : await findRollout(store.db, serial);
        if (!rollout && serial !== undefined) {
          throw new DecreeError(
            "NOT_FOUND",
            `No rollout staged release ${serial}: give the serial of a staged release (decree releases rollout shows the open one).`,
          );
        }
        return rollout && { rollout, controls: await rolloutControls(store.db, rollout) };
      });
      output(globalOptions(command).json, found ?? { rollout: null, controls: null }, () => {
        if (!found) return "no release is staged";
        const { rollout, controls } = found;
        const lines = [
          `release ${rollout.serial} (SOA ${rollout.soaSerial}) is ${rollout.state}, staged since ${rollout.startedAt}`,
          cliText(localeOf(command), "releases.withheld", { count: rollout.targetIds.length }),
        ];
        for (const o of rollout.halt?.overBlocked ?? []) {
          lines.push(`over-blocked at ${o.operator} (${o.resolver}): ${o.name} answered ${o.answer}`);
        }
        if (controls.lastRunAt === null) {
          lines.push("no control name asked at the canaries yet");
        } else {
          lines.push(
            `control names at the canaries, last of ${controls.runs} looks (probe run ${controls.lastRunId}, ${controls.lastRunAt}):`,
          );
          for (const m of controls.measurements) {
            const answer = m.rcode === null ? "no answer" : `${m.rcode} ${m.answers.join(" ")}`.trim();
            lines.push(`  ${m.operator} ${m.resolver} ${m.name}: ${m.verdict} (${answer})`);
          }
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
      .argument("<serial>", "the staged release's serial", positiveInteger)
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

import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { DecreeError } from "../../errors/decree-error.ts";
import { formatMessage } from "../../locale/format-message.ts";
import type { Locale } from "../../locale/locale.ts";
import { cosignatureValid } from "../../registry/log/cosignature.ts";
import { parseSignedNote, parseVerifierKey } from "../../registry/log/signed-note.ts";
import { checkCheckpoint } from "../../verify/log/check-checkpoint.ts";
import { LogClient } from "../../verify/log/log-client.ts";
import type { Problem, VerificationReport } from "../../verify/log/verification-report.ts";
import { parseJsonFeed, verifyFeed } from "../../verify/log/verify-feed.ts";
import { watchLog } from "../../verify/log/watch-log.ts";
import { globalOptions } from "../cli-context.ts";
import { localeOf } from "../cli-locale.ts";
import { cliText } from "../cli-texts.ts";

/**
 * `decree verify`: anyone (an operator, a journalist, a court) checks the registry from outside, with nothing
 * but its public log and key. Exit 0 when everything checked out; 1, loudly and with the evidence, when not.
 */
export function verifyCommand(): Command {
  const verify = new Command("verify");
  verify
    .command("checkpoint")
    .description("check the registry's signature on a checkpoint (C2SP signed note), from a URL or a file")
    .argument("<source>", "the registry's URL (its /log/checkpoint is read), a checkpoint URL, or a file")
    .requiredOption(
      "--key <pubkey>",
      "the registry's Ed25519 public key (base64, as `decree keys` prints) or verifier key",
    )
    .option("--witness <vkey...>", "witness verifier keys whose cosignatures must be on the checkpoint")
    .action(async (source: string, options: { key: string; witness?: string[] }, command: Command) => {
      const note = await readCheckpoint(source);
      const checked = checkCheckpoint(note, options.key);
      const problems = [...checked.problems];
      const witnesses: Record<string, boolean> = {};
      if (checked.checkpoint) {
        const signed = parseSignedNote(note)!;
        for (const text of options.witness ?? []) {
          const witness = parseVerifierKey(text);
          if (!witness)
            throw new DecreeError(
              "VERIFY_INPUT_INVALID",
              `--witness "${text}" is not a verifier key (name+hash+base64).`,
            );
          const valid = signed.signatures.some((s) => cosignatureValid(checked.checkpoint!, s, witness));
          witnesses[witness.name] = valid;
          if (!valid)
            problems.push({
              kind: "signature",
              message: `No valid cosignature of witness ${witness.name}.`,
              evidence: { note },
            });
        }
      }
      const facts = checked.checkpoint
        ? {
            origin: checked.checkpoint.origin,
            size: checked.checkpoint.size,
            rootHash: checked.checkpoint.rootHash.toString("base64"),
            cosigners: checked.cosigners,
            witnesses,
          }
        : {};
      finish(command, { ok: problems.length === 0, facts, problems }, "checkpoint signature");
    });
  verify
    .command("feed")
    .description(
      "check that every entry of a JSON feed is backed by the log, and the log's state is the feed's release",
    )
    .argument("<feed>", "the feed: a file, or a URL such as https://registry.example.org/feeds/json")
    .requiredOption("--log <url>", "the registry whose log to check against")
    .option("--key <pubkey>", "pin the registry's key (default: the one its /keys serves)")
    .action(async (feedSource: string, options: { log: string; key?: string }, command: Command) => {
      const feed = parseJsonFeed(await readSource(feedSource));
      const result = await verifyFeed(feed, new LogClient(options.log), options.key);
      finish(command, result, `feed of release ${feed.serial}`);
    });
  verify
    .command("watch")
    .description(
      "prove the log's latest checkpoint consistent with the last one seen, and every leaf unchanged",
    )
    .argument("<url>", "the registry's URL")
    .requiredOption("--state <dir>", "where the last checkpoint and leaf hashes seen are kept between runs")
    .option("--key <pubkey>", "pin the registry's key (default: pinned from /keys at the first run)")
    .action(async (url: string, options: { state: string; key?: string }, command: Command) => {
      const result = await watchLog(new LogClient(url), options.state, { key: options.key, now: new Date() });
      finish(command, result, "log");
    });
  return verify;
}

async function readCheckpoint(source: string): Promise<string> {
  if (!/^https?:\/\//.test(source)) return readSource(source);
  const url = /\/checkpoint$/.test(source) ? source : `${new LogClient(source).base}/log/checkpoint`;
  return readSource(url);
}

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(60_000) }).catch((error: Error) => {
      throw new DecreeError("VERIFY_INPUT_INVALID", `Could not fetch ${source}: ${error.message}.`);
    });
    if (!response.ok)
      throw new DecreeError("VERIFY_INPUT_INVALID", `Could not fetch ${source}: HTTP ${response.status}.`);
    return response.text();
  }
  return readFile(source, "utf8").catch((error: Error) => {
    throw new DecreeError("VERIFY_INPUT_INVALID", `Could not read ${source}: ${error.message}.`);
  });
}

/** Prints the report; a failure is loud, lists every problem with its evidence, and exits 1 (VERIFY_FAILED). */
function finish(command: Command, result: VerificationReport, what: string): void {
  const json = globalOptions(command).json === true;
  if (result.ok) {
    process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${okLines(result, what)}\n`);
    return;
  }
  if (!json) process.stdout.write(`${failureLines(result, what, localeOf(command))}\n`);
  const kinds = [...new Set(result.problems.map((p) => p.kind))].join(", ");
  throw new DecreeError(
    "VERIFY_FAILED",
    formatMessage(
      "{what}: {count, plural, one {# problem} other {# problems}} ({kinds}); the evidence is above.",
      "en",
      { what, count: result.problems.length, kinds },
    ),
    json ? { report: result } : undefined,
  );
}

function okLines(result: VerificationReport, what: string): string {
  return [`VERIFIED: ${what}`, ...Object.entries(result.facts).map(([k, v]) => `  ${k}: ${show(v)}`)].join(
    "\n",
  );
}

function failureLines(result: VerificationReport, what: string, locale: Locale): string {
  const bar = "!".repeat(72);
  return [
    bar,
    cliText(locale, "verify.failed", { what, count: result.problems.length }),
    bar,
    ...result.problems.flatMap((problem: Problem) => [
      `[${problem.kind.toUpperCase()}] ${problem.message}`,
      ...JSON.stringify(problem.evidence, null, 2)
        .split("\n")
        .map((line) => `    ${line}`),
    ]),
    ...Object.entries(result.facts).map(([k, v]) => `  ${k}: ${show(v)}`),
  ].join("\n");
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

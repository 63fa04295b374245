import { Command, InvalidArgumentError, Option } from "commander";
import { checkSettings } from "../../checks/check-settings.ts";
import { localizedScore } from "../../checks/mirror-explanation.ts";
import { parseHostPort } from "../../config/host-port.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { findOrder } from "../../intake/find-order.ts";
import { normalizeTarget } from "../../names/normalize-target.ts";
import { mapLimited } from "../../verify/map-limited.ts";
import { captureOriginals } from "../../verify/mirrors/capture-originals.ts";
import { collectSiteEvidence } from "../../verify/mirrors/collect-site-evidence.ts";
import { discoverMirrors } from "../../verify/mirrors/discover-mirrors.ts";
import { listMirrorCandidates } from "../../verify/mirrors/list-mirror-candidates.ts";
import { type MirrorScore, scoreMirror } from "../../verify/mirrors/score-mirror.ts";
import { type SiteSettings, siteSettings } from "../../verify/mirrors/site-settings.ts";
import { submitMirror } from "../../verify/mirrors/submit-mirror.ts";
import { type MirrorCandidateState, mirrorCandidateStates } from "../../vocabulary/vocabulary.ts";
import { actorOf, configOf, globalOptions, withStore } from "../cli-context.ts";
import { localeOf } from "../cli-locale.ts";
import { output, table } from "../output.ts";
import { positiveInteger } from "../parse-options.ts";

interface SiteFlags {
  resolver?: string;
  allowPrivate?: boolean;
  httpPort?: number;
  httpsPort?: number;
  timeoutMs?: number;
  threshold?: number;
}

/** Mirror sites: compare sites with a blocked one, discover and queue mirrors, capture the originals. */
export function mirrorsCommand(): Command {
  const mirrors = new Command("mirrors");

  withSiteOptions(
    mirrors
      .command("check")
      .description("fetch and score candidates against a blocked site now; stores nothing")
      .argument("<original>", "the blocked site's name, e.g. allostreaming.com")
      .argument("<candidates...>", "the suspected mirrors' names"),
  ).action(async (original: string, candidates: string[], flags: SiteFlags, command: Command) => {
    const settings = settingsFrom(flags, command);
    const names = [original, ...candidates].map(hostName);
    const [originalEvidence, ...evidence] = await mapLimited(names, 8, (name) =>
      collectSiteEvidence(name, settings),
    );
    const scores = evidence.map((site) =>
      scoreMirror(originalEvidence!, site, { threshold: flags.threshold }),
    );
    output(globalOptions(command).json, { original: names[0], candidates: scores.map(checkView) }, () =>
      table([
        ["CANDIDATE", "SCORE", "VERDICT", "SIGNALS"],
        ...scores.map((s) => [s.candidate, s.score.toFixed(2), s.verdict, matched(s).join(", ") || "-"]),
      ]),
    );
  });

  withSiteOptions(
    mirrors
      .command("discover")
      .description("run mirror discovery once for an order that extends to mirrors; queue mirrors for review")
      .argument("<order>", "the order id")
      .option("--max-fetches <n>", "sites fetched and scored at most in this run", positiveInteger)
      .option("--per-name <n>", "candidate names generated from each blocked name at most", positiveInteger),
  ).action(
    async (
      orderId: string,
      flags: SiteFlags & { maxFetches?: number; perName?: number },
      command: Command,
    ) => {
      const settings = settingsFrom(flags, command);
      const config = configOf(command);
      const run = await withStore(command, async (store) => {
        const order = await findOrder(store.db, orderId);
        return discoverMirrors(store, order, settings, {
          actor: actorOf(command),
          now: () => new Date(),
          threshold: flags.threshold,
          checkSettings: checkSettings(config),
          limits: {
            ...(flags.maxFetches ? { fetches: flags.maxFetches } : {}),
            ...(flags.perName ? { candidatesPerName: flags.perName } : {}),
          },
          onProgress: (p) => {
            if (!globalOptions(command).json && process.stderr.isTTY) {
              process.stderr.write(
                `\rgenerated ${p.generated}, resolved ${p.resolved}, fetched ${p.fetched}, queued ${p.queued}`,
              );
            }
          },
        });
      });
      if (!globalOptions(command).json && process.stderr.isTTY) process.stderr.write("\n");
      output(globalOptions(command).json, run, () =>
        [
          `order ${run.orderId}: ${run.progress.generated} names generated, ${run.progress.resolved} resolve, ` +
            `${run.progress.fetched} fetched, ${run.progress.queued} queued for review` +
            (run.progress.limited ? ` (stopped by the ${run.progress.limited} limit)` : ""),
          ...run.candidates
            .filter((c) => c.verdict === "mirror")
            .map(
              (c) =>
                `  ${c.state === "queued" ? "queued " : c.state}  ${c.name}  ${localizedScore(c, localeOf(command)).explanation}`,
            ),
        ].join("\n"),
      );
    },
  );

  withSiteOptions(
    mirrors
      .command("capture")
      .description("capture the order's blocked sites again: the fingerprints mirrors are compared with")
      .argument("<order>", "the order id"),
  ).action(async (orderId: string, flags: SiteFlags, command: Command) => {
    const settings = settingsFrom(flags, command);
    const captures = await withStore(command, async (store) => {
      const order = await findOrder(store.db, orderId);
      return captureOriginals(store, order, settings, {
        actor: actorOf(command),
        now: () => new Date(),
        again: true,
      });
    });
    const view = captures.map((c) => ({
      id: c.id,
      name: c.name,
      capturedAt: c.capturedAt,
      sha256: c.sha256,
      status: c.evidence.fetch.status,
      title: c.evidence.page?.title ?? null,
      error: c.evidence.fetch.error,
    }));
    output(globalOptions(command).json, { captures: view }, () =>
      table([
        ["ID", "NAME", "STATUS", "TITLE"],
        ...view.map((c) => [String(c.id), c.name, String(c.status ?? c.error), c.title ?? "-"]),
      ]),
    );
  });

  withSiteOptions(
    mirrors
      .command("submit")
      .description("report a suspected mirror under an order: fetched, scored and queued for review")
      .argument("<order>", "the order id")
      .argument("<name>", "the suspected mirror's name"),
  ).action(async (orderId: string, name: string, flags: SiteFlags, command: Command) => {
    const settings = settingsFrom(flags, command);
    const config = configOf(command);
    const submitted = await withStore(command, async (store) => {
      const order = await findOrder(store.db, orderId);
      return submitMirror(store, order, name, settings, {
        actor: actorOf(command),
        now: () => new Date(),
        threshold: flags.threshold,
        checkSettings: checkSettings(config),
      });
    });
    const view = {
      candidateId: submitted.candidateId,
      target: submitted.target,
      findings: submitted.findings,
      ...checkView(submitted.assessment.score),
    };
    output(
      globalOptions(command).json,
      view,
      () =>
        `queued ${view.candidate} as mirror target ${view.target.id} for review: ${localizedScore(submitted.assessment.score, localeOf(command)).explanation}`,
    );
  });

  mirrors
    .command("list")
    .description("the candidates weighed for an order, best score first")
    .argument("<order>", "the order id")
    .addOption(
      new Option("--state <state>", "only the candidates in this state").choices(mirrorCandidateStates),
    )
    .action(async (orderId: string, flags: { state?: MirrorCandidateState }, command: Command) => {
      const candidates = await withStore(command, async (store) => {
        const order = await findOrder(store.db, orderId);
        return listMirrorCandidates(store.db, order.id, { state: flags.state });
      });
      output(globalOptions(command).json, { candidates }, () =>
        table([
          ["ID", "NAME", "SCORE", "STATE", "WHY"],
          ...candidates.map((c) => [
            String(c.id),
            c.name,
            c.score.toFixed(2),
            c.state,
            localizedScore(c, localeOf(command)).explanation,
          ]),
        ]),
      );
    });

  return mirrors;
}

function withSiteOptions(command: Command): Command {
  return command
    .option("--resolver <host:port>", "resolve names through this server (default: config mirrorResolver)")
    .option("--allow-private", "fetch sites on loopback, private and special-purpose addresses too")
    .option("--http-port <port>", "the port HTTP sites are fetched on (default 80)", positiveInteger)
    .option("--https-port <port>", "the port HTTPS sites are fetched on (default 443)", positiveInteger)
    .option("--timeout-ms <ms>", "per request (default 5000)", positiveInteger)
    .option("--threshold <score>", "the score from which a site is a mirror (default 0.5)", fraction);
}

function settingsFrom(flags: SiteFlags, command: Command): SiteSettings {
  const config = configOf(command);
  const resolver = flags.resolver ? parseHostPort(flags.resolver, "--resolver") : config.mirrorResolver;
  if (!resolver) {
    throw new DecreeError(
      "MIRROR_RESOLVER_MISSING",
      "No resolver to collect mirror evidence through: pass --resolver HOST:PORT, or set mirrorResolver (env " +
        "DECREE_MIRROR_RESOLVER) or checkResolver in the configuration.",
    );
  }
  return siteSettings(resolver, {
    allowPrivate: flags.allowPrivate ?? config.mirrorAllowPrivate,
    ...(flags.httpPort ? { httpPort: flags.httpPort } : {}),
    ...(flags.httpsPort ? { httpsPort: flags.httpsPort } : {}),
    ...(flags.timeoutMs ? { timeoutMs: flags.timeoutMs } : {}),
  });
}

function hostName(input: string): string {
  const name = normalizeTarget(input, "fqdn");
  if (!name.ok) throw new DecreeError(name.code, name.message, undefined, name.params);
  return name.value;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new InvalidArgumentError("expected a number above 0, at most 1.");
  return n;
}

function matched(score: MirrorScore): string[] {
  return score.signals.filter((s) => s.matched).map((s) => s.signal);
}

function checkView(score: MirrorScore) {
  return {
    candidate: score.candidate,
    score: score.score,
    verdict: score.verdict,
    matchedSignals: matched(score),
    explanation: score.explanation,
    signals: score.signals,
  };
}

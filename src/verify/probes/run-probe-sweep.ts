import { formatHostPort } from "../../config/host-port.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Store } from "../../store/database.ts";
import { askReference, askResolvers } from "./ask-resolvers.ts";
import { askCanaries, currentCanaryName, recordCanaryObservations } from "./canary-serials.ts";
import { DnsProber } from "./dns-prober.ts";
import { closeEnforcements } from "./enforcements.ts";
import { judgeMeasurements } from "./judge-measurements.ts";
import { closeLifts } from "./lifts.ts";
import { probePlan } from "./probe-plan.ts";
import type { ProbeSettings } from "./probe-settings.ts";
import { recordProbeRun } from "./record-probe-run.ts";
import { listResolvers } from "./resolvers.ts";

export interface SweepOptions extends ProbeSettings {
  /** One operator's resolvers only. */
  operator?: string | undefined;
  now?: () => Date;
  /** A prober to share (the scheduler keeps one); else one is opened and closed for this sweep. */
  prober?: DnsProber;
}

export interface SweepResult {
  runId: number;
  queries: number;
  resolvers: number;
  names: number;
  /** Resolvers asked the canary's TXT (none when the zone carries no canary). */
  canaries: number;
  startedAt: string;
  finishedAt: string;
}

/**
 * One full sweep now: every registered resolver (or one operator's) is asked about the zone's names (sampled
 * when large), recently lifted names and control names, each answer judged against the reference, and the run
 * stored with every measurement. Names a release added that the sweep sees enforced close their time to enforce.
 */
export async function runProbeSweep(store: Store, options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? (() => new Date());
  const resolvers = await listResolvers(store.db, options.operator);
  if (resolvers.length === 0) {
    throw new DecreeError(
      "PROBE_NO_RESOLVERS",
      `${options.operator ? `${options.operator} has no resolvers` : "No operator has resolvers"} to probe: ` +
        "register one with `decree operators resolver add NAME HOST:PORT`.",
    );
  }
  const started = now();
  const items = await probePlan(store.db, {
    controls: options.controls,
    sample: options.sample,
    now: started,
  });
  const prober = options.prober ?? new DnsProber(options);
  try {
    const ask = { prober, concurrency: options.concurrency, now };
    const canaryName = await currentCanaryName(store.db);
    const [references, asked, canaries] = await Promise.all([
      askReference(options.reference, items, ask),
      askResolvers(resolvers, items, ask),
      canaryName === undefined ? [] : askCanaries(resolvers, canaryName, ask),
    ]);
    const judged = judgeMeasurements(asked, references, options.stopPage);
    const finishedAt = now().toISOString();
    const runId = await recordProbeRun(
      store.db,
      {
        kind: "sweep",
        source: "registry",
        reference: options.reference ? formatHostPort(options.reference) : null,
        startedAt: started.toISOString(),
        finishedAt,
      },
      judged,
    );
    await closeEnforcements(store.db, judged);
    await closeLifts(store.db, judged);
    await recordCanaryObservations(store.db, canaries, "registry");
    return {
      canaries: canaries.length,
      runId,
      queries: judged.length,
      resolvers: resolvers.length,
      names: items.length,
      startedAt: started.toISOString(),
      finishedAt,
    };
  } finally {
    if (!options.prober) prober.close();
  }
}

/**
 * Runs a sweep when the last one by the registry started more than `intervalMs` ago (or never did), and there
 * are resolvers to probe; returns it, or null when none was due.
 */
export async function sweepIfDue(
  store: Store,
  options: SweepOptions & { now: () => Date; intervalMs: number },
): Promise<SweepResult | null> {
  const any = await store.db.selectFrom("resolvers").select("id").limit(1).executeTakeFirst();
  if (!any) return null;
  const last = await store.db
    .selectFrom("probe_runs")
    .select("started_at")
    .where("kind", "=", "sweep")
    .where("source", "=", "registry")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (last && options.now().getTime() - Date.parse(last.started_at) < options.intervalMs) return null;
  return runProbeSweep(store, options);
}

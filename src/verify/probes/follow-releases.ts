import { formatHostPort } from "../../config/host-port.ts";
import type { Store } from "../../store/database.ts";
import { askReference, askResolvers } from "./ask-resolvers.ts";
import { askCanaries, currentCanaryName, dueCanaries, recordCanaryObservations } from "./canary-serials.ts";
import type { DnsProber } from "./dns-prober.ts";
import { closeEnforcements, dueEnforcements, markProbed, openEnforcements } from "./enforcements.ts";
import type { JudgedQuestion } from "./judge-measurements.ts";
import { judgeMeasurements } from "./judge-measurements.ts";
import { closeLifts, dueLifts, markLiftsProbed, openLifts } from "./lifts.ts";
import { coveredByZone, type ProbeItem } from "./probe-plan.ts";
import type { ProbeSettings } from "./probe-settings.ts";
import { recordProbeRun } from "./record-probe-run.ts";
import { listResolvers, type RegisteredResolver } from "./resolvers.ts";

export interface FollowOptions extends ProbeSettings {
  prober: DnsProber;
  now: Date;
  /** The shortest time between two probes of the same open name. */
  minIntervalMs?: number;
  /** Names a release added are followed this long, then left to the periodic sweep. */
  horizonMs?: number;
  /** Names probed per call, at most. */
  limit?: number;
}

export interface FollowResult {
  opened: number;
  probed: number;
  enforced: number;
  /** Names a release took out of the zone, opened to be followed until they resolve again. */
  liftsOpened: number;
  lifted: number;
  /** Resolvers asked the canary's TXT. */
  canaries: number;
}

const week = 7 * 86_400_000;

/**
 * After each release, asks each operator's resolvers about the names it added until they block them: the
 * scheduler calls this on every tick, and each call probes the names that are due (often at first, then less
 * often). Names lifted again before being enforced are no longer followed.
 */
export async function followReleases(store: Store, options: FollowOptions): Promise<FollowResult> {
  const opened = await openEnforcements(store.db);
  const liftsOpened = await openLifts(store.db);
  const timing = {
    now: options.now,
    minIntervalMs: options.minIntervalMs ?? 1000,
    horizonMs: options.horizonMs ?? week,
    limit: options.limit ?? 1000,
  };
  const resolvers = await listResolvers(store.db);
  const canaries = await followCanaries(store, resolvers, options, timing);
  const due = await dueEnforcements(store.db, timing);
  const dueLifted = await dueLifts(store.db, timing);
  const result = { opened, probed: 0, enforced: 0, liftsOpened, lifted: 0, canaries };
  if (due.length === 0 && dueLifted.length === 0) return result;
  const stillBlocked = await coveredByZone(store.db, [
    ...new Set([...due, ...dueLifted].map((row) => row.name)),
  ]);
  // A name blocked again before it was seen lifted is no longer followed as lifted, and the other way round.
  const live = [
    ...due
      .filter((row) => stillBlocked.has(row.name))
      .map((row) => ({ ...row, item: blockedItem(row.name) })),
    ...dueLifted
      .filter((row) => !stillBlocked.has(row.name))
      .map((row) => ({ ...row, item: liftedItem(row.name) })),
  ];
  const byOperator = new Map<number, { resolvers: RegisteredResolver[]; items: Map<string, ProbeItem> }>();
  for (const row of live) {
    const group = byOperator.get(row.operatorId) ?? {
      resolvers: resolvers.filter((resolver) => resolver.operatorId === row.operatorId),
      items: new Map<string, ProbeItem>(),
    };
    group.items.set(`${row.item.expectation} ${row.name}`, row.item);
    byOperator.set(row.operatorId, group);
  }
  const started = new Date();
  const ask = { prober: options.prober, concurrency: options.concurrency };
  const allItems = [
    ...new Map(live.map((row) => [`${row.item.expectation} ${row.name}`, row.item])).values(),
  ];
  const references = await askReference(options.reference, allItems, ask);
  const judged: JudgedQuestion<RegisteredResolver>[] = [];
  for (const group of byOperator.values()) {
    const asked = await askResolvers(group.resolvers, [...group.items.values()], ask);
    judged.push(...judgeMeasurements(asked, references, options.stopPage));
  }
  await markProbed(
    store.db,
    due.map((row) => row.id),
    options.now,
  );
  await markLiftsProbed(
    store.db,
    dueLifted.map((row) => row.id),
    options.now,
  );
  if (judged.length === 0) return result;
  await recordProbeRun(
    store.db,
    {
      kind: "release",
      source: "registry",
      releaseId: Math.max(...live.map((row) => row.releaseId)),
      reference: options.reference ? formatHostPort(options.reference) : null,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
    },
    judged,
  );
  const enforced = await closeEnforcements(store.db, judged);
  const lifted = await closeLifts(store.db, judged);
  return { ...result, probed: judged.length, enforced, lifted };
}

/**
 * After a release (and after an acknowledgment), asks the resolvers that are due the canary's TXT, until each
 * shows the current release: the measured time from each release to each resolver applying it.
 */
async function followCanaries(
  store: Store,
  resolvers: readonly RegisteredResolver[],
  options: FollowOptions,
  timing: { now: Date; minIntervalMs: number; horizonMs: number },
): Promise<number> {
  const name = await currentCanaryName(store.db);
  if (name === undefined || resolvers.length === 0) return 0;
  const due = await dueCanaries(store.db, resolvers, timing);
  if (due.length === 0) return 0;
  const observations = await askCanaries(due, name, {
    prober: options.prober,
    concurrency: options.concurrency,
  });
  await recordCanaryObservations(store.db, observations, "registry");
  return observations.length;
}

function blockedItem(name: string): ProbeItem {
  return { name, qtype: "A", expectation: "blocked", targetId: null };
}

function liftedItem(name: string): ProbeItem {
  return { name, qtype: "A", expectation: "lifted", targetId: null };
}

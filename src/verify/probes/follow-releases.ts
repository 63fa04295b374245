import { formatHostPort } from "../../config/host-port.ts";
import type { Store } from "../../store/database.ts";
import { askReference, askResolvers } from "./ask-resolvers.ts";
import type { DnsProber } from "./dns-prober.ts";
import { closeEnforcements, dueEnforcements, markProbed, openEnforcements } from "./enforcements.ts";
import type { JudgedQuestion } from "./judge-measurements.ts";
import { judgeMeasurements } from "./judge-measurements.ts";
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
}

const week = 7 * 86_400_000;

/**
 * After each release, asks each operator's resolvers about the names it added until they block them: the
 * scheduler calls this on every tick, and each call probes the names that are due (often at first, then less
 * often). Names lifted again before being enforced are no longer followed.
 */
export async function followReleases(store: Store, options: FollowOptions): Promise<FollowResult> {
  const opened = await openEnforcements(store.db);
  const due = await dueEnforcements(store.db, {
    now: options.now,
    minIntervalMs: options.minIntervalMs ?? 1000,
    horizonMs: options.horizonMs ?? week,
    limit: options.limit ?? 1000,
  });
  if (due.length === 0) return { opened, probed: 0, enforced: 0 };
  const stillBlocked = await coveredByZone(store.db, [...new Set(due.map((row) => row.name))]);
  const live = due.filter((row) => stillBlocked.has(row.name));
  const resolvers = await listResolvers(store.db);
  const byOperator = new Map<number, { resolvers: RegisteredResolver[]; names: Set<string> }>();
  for (const row of live) {
    const group = byOperator.get(row.operatorId) ?? {
      resolvers: resolvers.filter((resolver) => resolver.operatorId === row.operatorId),
      names: new Set<string>(),
    };
    group.names.add(row.name);
    byOperator.set(row.operatorId, group);
  }
  const started = new Date();
  const ask = { prober: options.prober, concurrency: options.concurrency };
  const allItems = [...new Set(live.map((row) => row.name))].map(blockedItem);
  const references = await askReference(options.reference, allItems, ask);
  const judged: JudgedQuestion<RegisteredResolver>[] = [];
  for (const group of byOperator.values()) {
    const asked = await askResolvers(group.resolvers, [...group.names].map(blockedItem), ask);
    judged.push(...judgeMeasurements(asked, references, options.stopPage));
  }
  await markProbed(
    store.db,
    due.map((row) => row.id),
    options.now,
  );
  if (judged.length === 0) return { opened, probed: 0, enforced: 0 };
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
  return { opened, probed: judged.length, enforced };
}

function blockedItem(name: string): ProbeItem {
  return { name, qtype: "A", expectation: "blocked", targetId: null };
}

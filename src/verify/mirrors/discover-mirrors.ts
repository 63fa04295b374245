import type { CheckSettings } from "../../checks/check-data.ts";
import { isDecreeError } from "../../errors/decree-error.ts";
import type { Order } from "../../intake/order.ts";
import type { Store } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { mapLimited } from "../map-limited.ts";
import { type Assessment, assessCandidate } from "./assess-candidate.ts";
import { blockedNames } from "./blocked-names.ts";
import { captureOriginals } from "./capture-originals.ts";
import { collectSiteEvidence } from "./collect-site-evidence.ts";
import { type MirrorCandidate, mirrorCandidates } from "./mirror-candidates.ts";
import { assertOrderTakesMirrors, type MirrorToQueue, queueMirror, recordCandidate } from "./queue-mirror.ts";
import { resolveSiteDns, resolves } from "./resolve-site-dns.ts";
import { defaultMirrorThreshold, type MirrorSignal } from "./score-mirror.ts";
import type { SiteSettings } from "./site-settings.ts";
import { type StoredCapture, storeCapture } from "./store-capture.ts";

export interface DiscoveryLimits {
  /** Names generated from each blocked name. */
  candidatesPerName: number;
  /** Sites fetched and scored in one run: the rest wait for the next run. */
  fetches: number;
  /** The run stops fetching after this long, keeping what it has. */
  timeBudgetMs: number;
}

export const defaultDiscoveryLimits: DiscoveryLimits = {
  candidatesPerName: 1500,
  fetches: 200,
  timeBudgetMs: 120_000,
};

export interface DiscoveryProgress {
  blocked: number;
  generated: number;
  resolved: number;
  fetched: number;
  mirrors: number;
  queued: number;
  /** Which limit ended the run early, if one did. */
  limited: "fetches" | "time" | null;
}

export interface DiscoveryOptions {
  actor: string;
  now: () => Date;
  threshold?: number;
  limits?: Partial<DiscoveryLimits>;
  concurrency?: number;
  checkSettings?: CheckSettings;
  onProgress?: (progress: DiscoveryProgress) => void;
}

export interface DiscoveredMirror {
  name: string;
  original: string;
  score: number;
  verdict: "mirror" | "not-mirror";
  explanation: string;
  /** What the explanation is made of, so that it can be told in another language (checks/mirror-explanation.ts). */
  signals: MirrorSignal[];
  /** queued: a mirror target awaits review; below-threshold: looked at and left; refused: the queue refused it. */
  state: "queued" | "below-threshold" | "refused";
  targetId: number | null;
  refusal?: string;
}

export interface DiscoveryRun {
  runId: number;
  orderId: number;
  progress: DiscoveryProgress;
  candidates: DiscoveredMirror[];
}

/**
 * One discovery run for an order: from each blocked name, the names its operator is likely to reopen
 * under; those that resolve are fetched and scored against the blocked sites' captured fingerprints, and those
 * at or above the threshold queued as mirror targets for review. Only under an order that extends to mirrors
 * and is in force. Names already weighed for the order are not weighed again. Progress is kept in mirror_runs.
 */
export async function discoverMirrors(
  store: Store,
  order: Order,
  settings: SiteSettings,
  options: DiscoveryOptions,
): Promise<DiscoveryRun> {
  assertOrderTakesMirrors(order, options.now());
  const limits = { ...defaultDiscoveryLimits, ...options.limits };
  const started = performance.now();
  const progress: DiscoveryProgress = {
    blocked: 0,
    generated: 0,
    resolved: 0,
    fetched: 0,
    mirrors: 0,
    queued: 0,
    limited: null,
  };
  const run = await store.db
    .insertInto("mirror_runs")
    .values({
      order_id: order.id,
      state: "running",
      progress: JSON.stringify(progress),
      started_at: options.now().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const runId = Number(run.id);
  const report = async () => {
    options.onProgress?.({ ...progress });
    await store.db
      .updateTable("mirror_runs")
      .set({ progress: JSON.stringify(progress) })
      .where("id", "=", runId)
      .execute();
  };
  try {
    const candidates = await weigh(store, order, settings, options, limits, progress, started, report);
    await store.db
      .updateTable("mirror_runs")
      .set({ state: "done", progress: JSON.stringify(progress), finished_at: options.now().toISOString() })
      .where("id", "=", runId)
      .execute();
    options.onProgress?.({ ...progress });
    return { runId, orderId: order.id, progress, candidates };
  } catch (error) {
    await store.db
      .updateTable("mirror_runs")
      .set({
        state: "failed",
        progress: JSON.stringify(progress),
        finished_at: options.now().toISOString(),
        error: error instanceof Error ? error.message : String(error),
      })
      .where("id", "=", runId)
      .execute();
    throw error;
  }
}

async function weigh(
  store: Store,
  order: Order,
  settings: SiteSettings,
  options: DiscoveryOptions,
  limits: DiscoveryLimits,
  progress: DiscoveryProgress,
  started: number,
  report: () => Promise<void>,
): Promise<DiscoveredMirror[]> {
  const blocked = await blockedNames(store.db, order.id);
  const kinds = new Map(blocked.map((b) => [b.name, b.kind]));
  const originals = await captureOriginals(store, order, settings, {
    actor: options.actor,
    now: options.now,
  });
  progress.blocked = originals.length;
  if (originals.length === 0) return [];
  const weighed = await weighedNames(store, order.id);
  const generated = new Map<string, MirrorCandidate & { redirectedFrom?: string }>();
  // A blocked site that now redirects elsewhere points at its own mirror: the likeliest candidate of all.
  const now = await mapLimited(originals, 8, (o) =>
    collectSiteEvidence(o.name, settings, undefined, options.now),
  );
  for (const fresh of now) {
    const final = fresh.fetch.finalUrl ? new URL(fresh.fetch.finalUrl).hostname.toLowerCase() : null;
    if (final && final !== fresh.name && !kinds.has(final) && !weighed.has(final)) {
      generated.set(final, { name: final, from: fresh.name, kind: "tld", redirectedFrom: fresh.name });
    }
  }
  for (const original of originals) {
    for (const candidate of mirrorCandidates(original.name, limits.candidatesPerName)) {
      if (!generated.has(candidate.name) && !kinds.has(candidate.name) && !weighed.has(candidate.name)) {
        generated.set(candidate.name, candidate);
      }
    }
  }
  progress.generated = generated.size;
  await report();
  const dns = await resolveSiteDns([...generated.keys()], settings);
  const living = [...generated.values()].filter((candidate) => {
    const found = dns.get(candidate.name);
    return found !== undefined && resolves(found);
  });
  progress.resolved = living.length;
  if (living.length > limits.fetches) progress.limited = "fetches";
  await report();
  const threshold = options.threshold ?? defaultMirrorThreshold;
  const results = await mapLimited(
    living.slice(0, limits.fetches),
    options.concurrency ?? 8,
    async (candidate) => {
      if (performance.now() - started > limits.timeBudgetMs) {
        progress.limited = "time";
        return null;
      }
      const from = originals.filter((o) => o.name === candidate.from);
      const assessed = await assessCandidate(candidate.name, from.length > 0 ? from : originals, settings, {
        threshold,
        redirectedFrom: candidate.redirectedFrom,
        dns: dns.get(candidate.name),
        now: options.now,
      });
      progress.fetched++;
      if (assessed.score.verdict === "mirror") progress.mirrors++;
      const found = await keep(
        store,
        order,
        assessed,
        kinds.get(assessed.original.name) ?? "domain",
        options,
      );
      if (found.state === "queued") progress.queued++;
      if (progress.fetched % 10 === 0) await report();
      return found;
    },
  );
  return results.filter((found): found is DiscoveredMirror => found !== null);
}

async function keep(
  store: Store,
  order: Order,
  assessed: Assessment<StoredCapture>,
  kind: "fqdn" | "domain",
  options: DiscoveryOptions,
): Promise<DiscoveredMirror> {
  const capture = await storeCapture(store.db, assessed.evidence, {
    orderId: order.id,
    role: "candidate",
    actor: options.actor,
  });
  const mirror: MirrorToQueue = {
    name: assessed.evidence.name,
    kind,
    capture,
    original: assessed.original,
    score: assessed.score,
    source: "discovery",
  };
  const base = {
    name: mirror.name,
    original: assessed.score.original,
    score: assessed.score.score,
    verdict: assessed.score.verdict,
    explanation: assessed.score.explanation,
    signals: assessed.score.signals,
  };
  const now = options.now();
  if (assessed.score.verdict !== "mirror") {
    await recordCandidate(store.db, order.id, mirror, {
      actor: options.actor,
      now,
      state: "below-threshold",
    });
    return { ...base, state: "below-threshold", targetId: null };
  }
  try {
    const queued = await inTransaction(store.db, (trx) =>
      queueMirror(trx, order, mirror, { actor: options.actor, now, checkSettings: options.checkSettings }),
    );
    return { ...base, state: "queued", targetId: queued.target.id };
  } catch (error) {
    if (!isDecreeError(error)) throw error;
    // E.g. the name is already a target of the order: weighed, kept, not queued twice.
    await recordCandidate(store.db, order.id, mirror, { actor: options.actor, now, state: "skipped" });
    return { ...base, state: "refused", targetId: null, refusal: `${error.code}: ${error.message}` };
  }
}

/** Names already weighed for this order, or already its targets: a run does not weigh them again. */
async function weighedNames(store: Store, orderId: number): Promise<Set<string>> {
  const [candidates, targets] = await Promise.all([
    store.db.selectFrom("mirror_candidates").select("name").where("order_id", "=", orderId).execute(),
    store.db.selectFrom("targets").select("value").where("order_id", "=", orderId).execute(),
  ]);
  return new Set([...candidates.map((row) => row.name), ...targets.map((row) => row.value)]);
}

import type { CheckSettings } from "../checks/check-data.ts";
import { recordWebhookDeliveries } from "../observability/record-webhook-deliveries.ts";
import { type DeliverWebhooksOptions, deliverWebhooks } from "../publish/webhooks/deliver-webhooks.ts";
import { applyClock } from "../registry/apply-clock.ts";
import { applyDueApprovals } from "../registry/apply-due-approvals.ts";
import { applyWindowClock, nextWindowEdge } from "../registry/apply-window-clock.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { runMirrorDiscovery } from "../verify/mirrors/run-mirror-discovery.ts";
import type { SiteSettings } from "../verify/mirrors/site-settings.ts";
import { DnsProber } from "../verify/probes/dns-prober.ts";
import { followReleases } from "../verify/probes/follow-releases.ts";
import type { ProbeSettings } from "../verify/probes/probe-settings.ts";
import { sweepIfDue } from "../verify/probes/run-probe-sweep.ts";
import { checkRollout, type RolloutCheckSettings } from "../verify/rollout/check-rollout.ts";
import { trackDeadlines } from "../verify/track-deadlines.ts";
import type { Job } from "./job-runner.ts";

export interface SchedulerJobsOptions {
  webhooks?: Omit<DeliverWebhooksOptions, "now">;
  /** Probing operators' resolvers: after each release until enforced, and a full sweep periodically. */
  probes?: ProbeJobOptions;
  /** Mirror sites: originals captured at once, discovery every `intervalMs`; absent: no resolver. */
  mirrors?: MirrorJobSettings;
  /** Staged rollout: the control names asked at the canaries; absent: staged releases wait for a person. */
  rollout?: Omit<RolloutCheckSettings, "reference" | "stopPage">;
  /** What a job did that an operator of decree wants in the log. */
  log?: (message: string, details: Record<string, unknown>) => void;
}

export interface ProbeJobOptions extends ProbeSettings {
  /** A full sweep at most this often (default 6 hours). */
  sweepIntervalMs?: number;
  /** The shortest time between two probes of a name a release added (default 200 ms). */
  followIntervalMs?: number;
}

const sixHours = 6 * 3600 * 1000;

/**
 * The scheduler's jobs, in the order each run does them: time moves entries first (activation, expiry), then
 * approvals whose cancel window has ended take effect, then deadlines are checked against acknowledgments,
 * operators' resolvers are probed (the names of new releases, a periodic sweep), and the releases this
 * produced go out to webhooks.
 */
export function schedulerJobs(store: Store, options: SchedulerJobsOptions = {}): Job[] {
  const log = options.log ?? (() => {});
  return [
    {
      name: "clock",
      run: async (now) =>
        inTransaction(store.db, async (trx) => {
          const entries = await applyClock(trx, now);
          const windows = await applyWindowClock(trx, now);
          return entries.length > 0 || windows.length > 0;
        }),
      // A blocking window ends at its second, not at the next tick: the runner wakes for it.
      wakeAt: () => nextWindowEdge(store.db),
    },
    {
      name: "approvals",
      run: async (now) => {
        const { applied, superseded } = await applyDueApprovals(store, now);
        if (superseded.length > 0) log("approvals could not take effect", { superseded });
        return applied.length > 0;
      },
    },
    {
      name: "deadlines",
      run: async (now) => {
        const { breaches } = await trackDeadlines(store, now);
        if (breaches.length > 0) log("deadline breaches flagged", { breaches });
        return false;
      },
    },
    probesJob(store, options.probes ?? { stopPage: [] }, log),
    ...(options.rollout ? [rolloutJob(store, options.rollout, options.probes ?? { stopPage: [] }, log)] : []),
    {
      name: "webhooks",
      run: async (now) => {
        const run = await deliverWebhooks(store, { ...options.webhooks, now });
        recordWebhookDeliveries(run);
        if (run.failed > 0) log("webhook deliveries given up", { failed: run.failed });
        return false;
      },
    },
    ...(options.mirrors ? [mirrorsJob(store, options.mirrors, log)] : []),
  ];
}

export interface MirrorJobSettings {
  site: SiteSettings;
  /** Discovery per order at most this often (config mirrorIntervalMs); 0: only the originals are captured. */
  intervalMs: number;
  checkSettings?: CheckSettings;
}

/**
 * Last: it reaches out to the sites, the slowest of the jobs, bounded by the discovery's limits (fetches and a
 * time budget per run) so that the clock and the approvals never wait long behind it. It proposes targets and
 * never changes entries, so it never asks for a release.
 */
function mirrorsJob(
  store: Store,
  settings: MirrorJobSettings,
  log: (m: string, d: Record<string, unknown>) => void,
): Job {
  return {
    name: "mirrors",
    run: async (now) => {
      const run = await runMirrorDiscovery(store, settings.site, {
        now,
        intervalMs: settings.intervalMs,
        limits: { fetches: 100, timeBudgetMs: 30_000 },
        checkSettings: settings.checkSettings,
      });
      for (const discovery of run.runs) {
        log("mirror discovery ran", { orderId: discovery.orderId, ...discovery.progress });
      }
      return false;
    },
  };
}

/**
 * Measured compliance: the names each release added are probed at every operator until enforced
 * (time to enforce), and a full sweep (sampled on a large registry) runs every `sweepIntervalMs`. Only when
 * some operator registered resolvers; one prober, its sockets shared, for the life of the process.
 */
function probesJob(
  store: Store,
  options: ProbeJobOptions,
  log: NonNullable<SchedulerJobsOptions["log"]>,
): Job {
  let prober: DnsProber | undefined;
  return {
    name: "probes",
    run: async (now) => {
      prober ??= new DnsProber(options);
      const followed = await followReleases(store, {
        ...options,
        prober,
        now,
        minIntervalMs: options.followIntervalMs ?? 200,
      });
      if (followed.enforced > 0) log("names seen enforced", { ...followed });
      const sweep = await sweepIfDue(store, {
        ...options,
        prober,
        now: () => new Date(),
        intervalMs: options.sweepIntervalMs ?? sixHours,
      });
      if (sweep) log("probe sweep done", { ...sweep });
      return false;
    },
  };
}

/**
 * The staged rollout: at each run, whether the canaries applied the staged release and its control names still
 * resolve there; promoted (a change: everyone else is then served it) or halted for a person to decide.
 */
function rolloutJob(
  store: Store,
  settings: Omit<RolloutCheckSettings, "reference" | "stopPage">,
  probes: ProbeJobOptions,
  log: (message: string, details: Record<string, unknown>) => void,
): Job {
  let prober: DnsProber | undefined;
  return {
    name: "rollout",
    run: async (now) => {
      prober ??= new DnsProber({ timeoutMs: probes.timeoutMs ?? 1000, retries: probes.retries ?? 1 });
      const outcome = await checkRollout(
        store,
        prober,
        { ...settings, reference: probes.reference, stopPage: probes.stopPage },
        now,
      );
      if (outcome === "halted" || outcome === "promoted") log(`staged release ${outcome}`, {});
      return outcome === "promoted";
    },
  };
}

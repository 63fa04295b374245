import { type DeliverWebhooksOptions, deliverWebhooks } from "../publish/deliver-webhooks.ts";
import { applyClock } from "../registry/apply-clock.ts";
import { applyDueApprovals } from "../registry/apply-due-approvals.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";
import { trackDeadlines } from "../verify/track-deadlines.ts";
import type { Job } from "./job-runner.ts";

export interface SchedulerJobsOptions {
  webhooks?: Omit<DeliverWebhooksOptions, "now">;
  /** What a job did that an operator of decree wants in the log. */
  log?: (message: string, details: Record<string, unknown>) => void;
}

/**
 * The scheduler's jobs, in the order each run does them: time moves entries first (activation, expiry), then
 * approvals whose cancel window has ended take effect, then deadlines are checked against acknowledgments,
 * and last the releases this produced go out to webhooks.
 */
export function schedulerJobs(store: Store, options: SchedulerJobsOptions = {}): Job[] {
  const log = options.log ?? (() => {});
  return [
    {
      name: "clock",
      run: async (now) => (await inTransaction(store.db, (trx) => applyClock(trx, now))).length > 0,
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
    {
      name: "webhooks",
      run: async (now) => {
        const run = await deliverWebhooks(store, { ...options.webhooks, now });
        if (run.failed > 0) log("webhook deliveries given up", { failed: run.failed });
        return false;
      },
    },
  ];
}

import { eventLog } from "./event-log.ts";
import { jobRuns, jobSeconds } from "./metrics.ts";

/** One run of one of the scheduler's jobs; `changed`: it changed the registry, so a release may follow. */
export function recordJobRun(
  job: string,
  ms: number,
  outcome: { changed: boolean } | { error: unknown },
): void {
  const failed = "error" in outcome;
  // Not "job": Prometheus gives every scraped series a job label of its own.
  jobRuns.inc({ scheduler_job: job, result: failed ? "failed" : "ok" });
  jobSeconds.observe({ scheduler_job: job }, ms / 1000);
  if (failed) return; // the runner logs the failure itself, with the error
  // Every second each job runs: a line at info only when it changed the registry, else at debug.
  const details = { event: "job", job, ms: Math.round(ms), changed: outcome.changed };
  if (outcome.changed) eventLog().info(details, "job changed the registry");
  else eventLog().debug(details, "job ran");
}

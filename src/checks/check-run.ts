import type { Check, CheckContext, CheckedTarget } from "./check.ts";
import type { CheckData, CheckSettings } from "./check-data.ts";

/** One run of the checks over a batch: what a check may prepare from before it sees each target. */
export interface CheckRun {
  targets: readonly CheckedTarget[];
  context: CheckContext;
  data: CheckData;
  /** The checks' configuration, for a check that needs more than the lists (e.g. a resolver). */
  settings?: CheckSettings;
}

/**
 * A check as listed in index.ts: `prepare` is called once per batch (to load a list, or to ask the store
 * about every target in one query) and returns the check that then sees each target.
 */
export interface ListedCheck {
  name: string;
  /** Why it stands where it does in the list. */
  why: string;
  prepare(run: CheckRun): Check | Promise<Check>;
}

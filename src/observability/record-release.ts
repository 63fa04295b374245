import { eventLog } from "./event-log.ts";
import { releaseBuildSeconds, releaseFailures, releasesTotal } from "./metrics.ts";

/** What a release build produced: the summary of the release (by structure, so this module imports no stage). */
export interface ReleaseRecord {
  id: number;
  serial: number;
  /** The zone's SOA serial, which secondaries see (RFC 1982); `serial` is the release number feeds carry. */
  soaSerial: number;
  added: number;
  removed: number;
  recordCount: number;
}

/** A build that finished: a new release, or `null` when nothing had changed. */
export function recordReleaseBuilt(release: ReleaseRecord | null, buildMs: number): void {
  releaseBuildSeconds.observe(buildMs / 1000);
  if (!release) return;
  releasesTotal.inc();
  eventLog().info(
    {
      event: "release",
      release: release.id,
      serial: release.serial,
      soaSerial: release.soaSerial,
      added: release.added,
      removed: release.removed,
      records: release.recordCount,
      buildMs: Math.round(buildMs),
    },
    "release published",
  );
}

export function recordReleaseFailed(error: unknown, buildMs: number): void {
  releaseBuildSeconds.observe(buildMs / 1000);
  releaseFailures.inc();
  eventLog().error(
    { event: "release.failed", err: error, buildMs: Math.round(buildMs) },
    "release build failed",
  );
}

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's one metrics registry, in the Prometheus text exposition format (GET /metrics). A shared module:
 * every stage records into it and it imports none of them. Metric and label names follow the Prometheus naming
 * conventions (a unit suffix, `_total` on counters); label values are bounded sets (kinds, results, states,
 * operator names, route patterns), never raw URLs or unbounded addresses (peer-names.ts caps those).
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const register = [metricsRegistry];

/** What the registry is at the moment of a scrape: read from the store by the service that serves it. */
export interface ScrapeSource {
  /** The serial of the latest release, or undefined before the first. */
  currentSerial(): Promise<number | undefined>;
  /** Targets by state, from an indexed count (never a scan of the event history). */
  targetsByState(): Promise<Record<string, number>>;
  /** How many releases have an SOA serial past `serial`: how far behind a secondary holding it is. */
  releasesAfter(serial: number): Promise<number>;
}

let scrapeSource: ScrapeSource | undefined;

/** The running service's store, read at each scrape; `undefined` when it stops. */
export function setScrapeSource(source: ScrapeSource | undefined): void {
  scrapeSource = source;
}

// The two gauges read from the store are registered by being made, and set only by their collect at a scrape.
new Gauge({
  name: "decree_release_serial",
  help: "SOA serial of the latest release of the RPZ zone.",
  registers: register,
  async collect() {
    const serial = await scrapeSource?.currentSerial();
    if (serial === undefined) this.reset();
    else this.set(serial);
  },
});

new Gauge({
  name: "decree_targets",
  help: "Targets by state (entries are the approved, active, suspended, lifted and expired ones).",
  labelNames: ["state"] as const,
  registers: register,
  async collect() {
    const counts = await scrapeSource?.targetsByState();
    this.reset();
    for (const [state, count] of Object.entries(counts ?? {})) this.set({ state }, count);
  },
});

export const releaseBuildSeconds = new Histogram({
  name: "decree_release_build_seconds",
  help: "Time to build a release (zone diff, journal, checkpoint), including builds that found nothing to release.",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: register,
});

export const releasesTotal = new Counter({
  name: "decree_releases_total",
  help: "Releases published by this process.",
  registers: register,
});

export const releaseFailures = new Counter({
  name: "decree_release_failures_total",
  help: "Release builds that failed (they are tried again at the next change or poll).",
  registers: register,
});

export const dnsPrimaryRestarts = new Counter({
  name: "decree_dns_primary_restarts_total",
  help: "Times the DNS primary's thread stopped while serving and was started again.",
  registers: register,
});

export const zoneTransfers = new Counter({
  name: "decree_zone_transfers_total",
  help: "Zone transfers and SOA queries answered by the DNS primary, by kind (AXFR, IXFR, SOA), result (ok, refused, error) and peer (operator name, else address).",
  labelNames: ["kind", "result", "peer"] as const,
  registers: register,
});

export const zoneTransferBytes = new Counter({
  name: "decree_zone_transfer_bytes_total",
  help: "Bytes of zone transfers handed to secondaries, by kind and peer.",
  labelNames: ["kind", "peer"] as const,
  registers: register,
});

export const zoneTransferSeconds = new Histogram({
  name: "decree_zone_transfer_seconds",
  help: "Time from a transfer request to its last message handed to the socket, by kind.",
  labelNames: ["kind"] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
  registers: register,
});

export const secondaryAskedSerial = new Gauge({
  name: "decree_secondary_asked_serial",
  help: "The serial a secondary last said it holds (the SOA of its IXFR request), by peer.",
  labelNames: ["peer"] as const,
  registers: register,
});

export const secondaryServedSerial = new Gauge({
  name: "decree_secondary_served_serial",
  help: "The serial a secondary was last served in full (AXFR, IXFR, or told it is up to date), by peer.",
  labelNames: ["peer"] as const,
  registers: register,
});

// SOA serials are clock-based (RFC 1982 arithmetic, never a count), so how far behind a secondary is is counted
// in releases, from the store, for the serial each secondary was last served.
new Gauge({
  name: "decree_secondary_releases_behind",
  help: "Releases published since the serial a secondary was last served, by peer.",
  labelNames: ["peer"] as const,
  registers: register,
  async collect() {
    this.reset();
    if (!scrapeSource) return;
    for (const { labels, value } of (await secondaryServedSerial.get()).values) {
      this.set({ peer: String(labels.peer) }, await scrapeSource.releasesAfter(value));
    }
  },
});

export const secondaryLastTransfer = new Gauge({
  name: "decree_secondary_last_transfer_timestamp_seconds",
  help: "Unix time of a secondary's last completed transfer (up-to-date answers included), by peer.",
  labelNames: ["peer"] as const,
  registers: register,
});

export const notifySent = new Counter({
  name: "decree_notify_sent_total",
  help: "NOTIFY messages sent (each retry counts), by operator and secondary (host:port).",
  labelNames: ["operator", "secondary"] as const,
  registers: register,
});

export const notifyAcknowledged = new Counter({
  name: "decree_notify_acknowledged_total",
  help: "NOTIFYs a secondary acknowledged with NOERROR, by operator and secondary.",
  labelNames: ["operator", "secondary"] as const,
  registers: register,
});

export const notifyFailed = new Counter({
  name: "decree_notify_failed_total",
  help: "NOTIFYs that were not acknowledged: no answer after every retry (timeout) or an error RCODE, by operator, secondary and reason.",
  labelNames: ["operator", "secondary", "reason"] as const,
  registers: register,
});

export const probeVerdicts = new Counter({
  name: "decree_probe_verdicts_total",
  help: "Measurements of operators' resolvers, by operator and verdict (enforced, not-enforced, over-blocked, error).",
  labelNames: ["operator", "verdict"] as const,
  registers: register,
});

export const httpRequests = new Counter({
  name: "decree_http_requests_total",
  help: "HTTP requests answered, by method, route pattern and status code.",
  labelNames: ["method", "route", "status"] as const,
  registers: register,
});

export const httpRequestSeconds = new Histogram({
  name: "decree_http_request_duration_seconds",
  help: "Time to answer an HTTP request, by method and route pattern.",
  labelNames: ["method", "route"] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: register,
});

export const webhookDeliveries = new Counter({
  name: "decree_webhook_deliveries_total",
  help: "Webhook delivery attempts, by result (delivered, retrying, failed: given up).",
  labelNames: ["result"] as const,
  registers: register,
});

export const jobRuns = new Counter({
  name: "decree_job_runs_total",
  help: "Runs of the scheduler's jobs in this process, by scheduler_job and result (ok, failed).",
  labelNames: ["scheduler_job", "result"] as const,
  registers: register,
});

export const jobSeconds = new Histogram({
  name: "decree_job_duration_seconds",
  help: "Time a scheduler job took, by scheduler_job.",
  labelNames: ["scheduler_job"] as const,
  buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
  registers: register,
});

/** The exposition text and its content type, for GET /metrics. */
export async function metricsExposition(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

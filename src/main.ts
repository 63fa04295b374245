import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { checkSettings } from "./checks/check-settings.ts";
import { formatHostPort, type HostPort } from "./config/host-port.ts";
import type { ServiceConfig } from "./config/load-config.ts";
import { type DemoLoad, loadDemo } from "./demo/load-demo.ts";
import { buildApp } from "./http/build-app.ts";
import { applyHttpServerLimits } from "./http/http-server-limits.ts";
import { handleError } from "./http/problem.ts";
import { metricsRoutes } from "./http/routes/metrics-routes.ts";
import { buildStopPage } from "./http/stop-page/stop-page-server.ts";
import { JobRunner } from "./jobs/job-runner.ts";
import { type Leadership, soleLeadership } from "./jobs/leadership.ts";
import { postgresLeadership } from "./jobs/postgres-leadership.ts";
import { type MirrorJobSettings, type SchedulerJobsOptions, schedulerJobs } from "./jobs/scheduler-jobs.ts";
import { setEventLog } from "./observability/event-log.ts";
import { observePublication } from "./observability/observe-publication.ts";
import { storeScrapeSource } from "./observability/store-scrape-source.ts";
import { BirdSpeaker, type BirdSync } from "./publish/bgp/bird-speaker.ts";
import type { ReleaseSummary } from "./publish/build-release.ts";
import { defaultCanaryName } from "./publish/canary-record.ts";
import { DnsPrimaryThread, type NotifyEvents } from "./publish/dns/dns-primary-thread.ts";
import type { NotifyOutcome } from "./publish/dns/notify-sender.ts";
import { ServedSerial } from "./publish/dns/served-serial.ts";
import { listOperators } from "./publish/operators.ts";
import { recordOperatorTransfer } from "./publish/record-operator-transfer.ts";
import { ReleaseScheduler } from "./publish/release-scheduler.ts";
import type { RpzPolicy } from "./publish/rpz-policy.ts";
import { ZoneSource } from "./publish/zone-source.ts";
import { storeAddressEvidence } from "./registry/store-address-evidence.ts";
import { holdDataFolder } from "./store/data-folder-lock.ts";
import type { Store } from "./store/database.ts";
import { openStore } from "./store/open-store.ts";
import { siteSettingsOf } from "./verify/mirrors/site-settings.ts";
import { probeSettingsOf } from "./verify/probes/probe-settings.ts";

export interface RunningService {
  store: Store & { created?: boolean };
  app: FastifyInstance;
  http: HostPort;
  dns: HostPort;
  /** Where the stop page listens, and the public URL its pages link to. */
  stop: { address: HostPort; publicUrl: string };
  demo: DemoLoad;
  publication: Publication;
  /** The scheduler's jobs; they run in whichever instance leads (`jobs.isLeader`). */
  jobs: JobRunner;
  /** Where GET /metrics has a listener of its own (config metrics), if it has one. */
  metrics: HostPort | undefined;
  close(): Promise<void>;
}

export interface Publication {
  scheduler: ReleaseScheduler;
  /** The DNS primary, on a thread of its own: its events, and each release handed to it. */
  primary: DnsPrimaryThread;
  /** The NOTIFYs that thread sends, once it serves the release they name. */
  notifier: NotifyEvents;
  /** The first release of this run (or null when the store's latest was already current). */
  first: ReleaseSummary | null;
  /** decree's BGP daemon, driven after each release when bgpRoutesFile is set. */
  bgp: BirdSpeaker | undefined;
}

export interface ServiceOptions {
  now?: () => Date;
  logger?: boolean | object;
  /**
   * How often the scheduler's jobs run (the clock moving time-driven states, approvals leaving their cancel
   * window, deadlines, webhooks), and how often a follower tries to take over the lead.
   */
  clockIntervalMs?: number;
  /** Webhook delivery settings (retry backoff, timeouts), for tests. */
  webhooks?: SchedulerJobsOptions["webhooks"];
  /** How often the release scheduler looks for changes written by other processes. */
  releasePollMs?: number;
  /**
   * Each NOTIFY's outcome (secondary, serial, RCODE, attempts), for metrics and logs; by default an
   * unacknowledged NOTIFY is logged as a warning.
   */
  onNotifyOutcome?: (outcome: NotifyOutcome) => void;
  /** Each time decree's BIRD was brought to a release (bgpRoutesFile); by default logged when BIRD reloaded. */
  onBgpSync?: (sync: BirdSync) => void;
}

export function rpzPolicyOf(config: ServiceConfig): RpzPolicy {
  return {
    zone: config.rpzZone,
    defaultAction: config.rpzAction,
    stopPage: config.stopPage,
    ttl: 60,
    canaryName: config.canaryName ?? defaultCanaryName(config.rpzZone, config.publicUrl),
  };
}

/**
 * Wires the service: store, demo data, releases, the DNS primary with its NOTIFYs, HTTP, and the scheduler's
 * jobs (the clock that activates and expires entries, approvals, deadlines, webhooks), run by one instance.
 */
export async function startService(
  config: ServiceConfig,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const now = options.now ?? (() => new Date());
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  // A restore refuses to replace the store while this process serves the folder.
  const releaseFolder = holdDataFolder(config.dataDir);
  let app: FastifyInstance | undefined;
  let stopPage: FastifyInstance | undefined;
  let publication: (Publication & { dns: HostPort; close(): Promise<void> }) | undefined;
  let jobs: JobRunner | undefined;
  let metricsListener: FastifyInstance | undefined;
  let unobserve = () => setEventLog(undefined);
  const poke = () => publication?.scheduler.poke();
  // The app is built before the scheduler: this carries the scheduler's news of each release to the feeds.
  const releases = Object.assign(new EventEmitter<{ release: [] }>(), {
    // On SQLite this process alone serves the store (holdDataFolder): every release is its scheduler's.
    everyRelease: config.databaseUrl === undefined,
  });
  try {
    const demo: DemoLoad = config.demo ? await loadDemo(store, now()) : { loaded: false };
    app = await buildApp({
      store,
      now,
      logger: options.logger ?? false,
      dataDir: config.dataDir,
      policy: rpzPolicyOf(config),
      bgpNextHops: config.bgp.nextHops,
      bgpSpeaker: config.bgp,
      approvalCancelWindowMs: config.approvalCancelWindowMs,
      webhookAllowPrivate: config.webhookAllowPrivate,
      // The runner is kicked too: a blocking window just added may open before its next tick, and the
      // runner's wake-up for it is set only when it runs.
      onRegistryChange: () => {
        poke();
        jobs?.kick();
      },
      releases,
      publicUrl: config.publicUrl,
      trustProxy: config.trustProxy,
      secureCookies: ({ auto: "auto", always: true, never: false } as const)[config.secureCookies],
      checkSettings: checkSettings(config),
      addressEvidence: storeAddressEvidence(store.db, checkSettings(config)),
      logWitnesses: config.logWitnesses,
      mirrorSettings: siteSettingsOf(config),
      dnsPrimary: () => publication?.dns,
      metricsToken: config.metricsToken,
      stopPageName: config.stopPageName,
      httpLimits: config.limits.http,
      demo: config.demo,
    });
    const log = app.log;
    // Before the first release and the first job run, so that they are logged too.
    setEventLog(log);
    jobs = startJobs(store, config, now, options, poke, log);
    // The leader's first run moves the clock before the first release, as at every start.
    await jobs.start();
    const notifyOutcome = (outcome: NotifyOutcome) => {
      if (!outcome.acknowledged) {
        const { host, port, operator } = outcome.target;
        log.warn(
          {
            secondary: `${host}:${port}`,
            operator,
            serial: outcome.serial,
            rcode: outcome.rcode,
            attempts: outcome.attempts,
          },
          "NOTIFY not acknowledged; the secondary will find the serial at its next refresh",
        );
      }
    };
    const bgpSync = (sync: BirdSync) => {
      if (sync.reloaded) log.info(sync, "BIRD reloaded: it announces the release's blackhole routes");
    };
    publication = await startPublication(
      store,
      config,
      now,
      { onNotifyOutcome: notifyOutcome, onBgpSync: bgpSync, ...options },
      (error) => log.error({ err: error }, "publication failed; it will try again"),
    );
    unobserve = observePublication({
      primary: publication.primary,
      notifier: publication.notifier,
      operators: () => listOperators(store.db),
      onError: (error) => log.error({ err: error }, "recording an observation failed"),
      scrape: storeScrapeSource(store),
    });
    // At debug level: under a flood these come by the thousand, and each one is the limits doing their job.
    publication.primary.on("limited", (limited) => log.debug(limited, "DNS client limited"));
    publication.primary.on("restarted", (restart) =>
      log.warn(restart, "the DNS primary's thread had stopped and serves again"),
    );
    publication.scheduler.on("release", () => releases.emit("release"));
    // A rollout promoted moves everyone's release with no release built: the feeds read it again.
    publication.scheduler.on("promoted", () => releases.emit("release"));
    const runner = jobs;
    // A new release goes out to webhooks at once when this instance leads, not at the next tick; a promoted one
    // to the webhooks that were waiting for it.
    publication.scheduler.on("release", () => runner.kick());
    publication.scheduler.on("promoted", () => runner.kick());
    // Deliveries a crash left pending (and releases not yet queued for webhooks) go out now, not at the next tick.
    runner.kick();
    await app.listen({ host: config.http.host, port: config.http.port });
    const { address, port } = app.server.address() as AddressInfo;
    const publicUrl = config.publicUrl ?? `http://${formatHostPort({ host: address, port })}`;
    stopPage = await buildStopPage({ store, publicUrl, logger: options.logger ?? false });
    // The stop page is where blocked names point: the whole public may come, so it is bounded like the API.
    applyHttpServerLimits(stopPage.server, config.limits.http);
    await stopPage.listen({ host: config.stop.host, port: config.stop.port });
    const stopAddress = stopPage.server.address() as AddressInfo;
    metricsListener = config.metrics && (await startMetricsListener(config.metrics, config.metricsToken));
    const metricsAddress = metricsListener?.server.address() as AddressInfo | undefined;
    const metricsServer = metricsListener;
    const running = app;
    const stopping = stopPage;
    const published = publication;
    return {
      store,
      app,
      http: { host: address, port },
      dns: published.dns,
      stop: { address: { host: stopAddress.address, port: stopAddress.port }, publicUrl },
      demo,
      publication: published,
      jobs: runner,
      metrics: metricsAddress && { host: metricsAddress.address, port: metricsAddress.port },
      async close() {
        await metricsServer?.close();
        await stopping.close();
        await running.close();
        await runner.stop();
        await published.close();
        unobserve();
        await store.close();
        releaseFolder();
      },
    };
  } catch (error) {
    await metricsListener?.close();
    unobserve();
    await stopPage?.close();
    await app?.close();
    await jobs?.stop();
    await publication?.close();
    await store.close();
    releaseFolder();
    throw error;
  }
}

/** GET /metrics alone on an address of its own (config metrics), the way DNS servers export theirs. */
async function startMetricsListener(address: HostPort, token: string | undefined): Promise<FastifyInstance> {
  const listener = Fastify({ logger: false });
  listener.setErrorHandler(handleError);
  await listener.register(metricsRoutes, { token, ownListener: true });
  try {
    await listener.listen({ host: address.host, port: address.port });
  } catch (error) {
    await listener.close();
    throw error;
  }
  return listener;
}

/**
 * The scheduler's jobs run in one instance at a time: on PostgreSQL, the one holding the advisory lock
 * (postgres-leadership.ts), the others ready to take over; on SQLite, the one process that serves the store.
 */
function startJobs(
  store: Store,
  config: ServiceConfig,
  now: () => Date,
  options: ServiceOptions,
  onChange: () => void,
  log: FastifyInstance["log"],
): JobRunner {
  const leadership: Leadership = config.databaseUrl
    ? postgresLeadership(config.databaseUrl, (error) => log.warn({ err: error }, "job leadership connection"))
    : soleLeadership();
  const runner = new JobRunner({
    leadership,
    jobs: schedulerJobs(store, {
      webhooks: { allowPrivateDestinations: config.webhookAllowPrivate, ...options.webhooks },
      probes: probeSettingsOf(config.stopPage, config.checkResolver),
      mirrors: mirrorJobSettings(config),
      rollout: {
        controlNames: config.releases.controlNames,
        coHostedControlNames: config.releases.coHostedControlNames,
      },
      log: (message, details) => log.info(details, message),
    }),
    now,
    intervalMs: options.clockIntervalMs ?? 1000,
    onChange,
  });
  runner.on("leader", (leading) =>
    log.info({ leading }, leading ? "leading the scheduler's jobs" : "no longer leading"),
  );
  runner.on("failed", (error, job) =>
    log.error({ err: error, job }, "scheduler job failed; it will run again"),
  );
  return runner;
}

/**
 * Releases, the DNS primary and NOTIFY: each release is handed to the primary's thread, which applies it to the
 * zone it serves and then tells every operator's secondaries, so that resolvers ask for the increment within
 * milliseconds.
 */
async function startPublication(
  store: Store,
  config: ServiceConfig,
  now: () => Date,
  options: ServiceOptions,
  onError: (error: unknown) => void,
) {
  const policy = rpzPolicyOf(config);
  const served = new ServedSerial(config.dataDir);
  await served.load();
  const scheduler = new ReleaseScheduler({
    db: store.db,
    dialect: store.dialect,
    policy,
    now,
    windowMs: config.releaseWindowMs,
    pollMs: options.releasePollMs ?? 5,
    // The DNS primary answers on its own thread, but the machine's CPUs are shared: the checkpoint's signing
    // comes after the secondaries' IXFR. A change that comes meanwhile is built at once, not after the wait.
    checkpointDelayMs: 20,
    staged: config.releases.staged,
    onError,
    logOrigin: config.logOrigin,
    servedSerial: () => served.value,
    onSerialBump: ({ storeSerial, servedSerial, release }) =>
      process.stderr.write(
        `decree: the store's newest SOA serial (${storeSerial ?? "none"}) is not past ${servedSerial}, the last ` +
          `one served from ${served.path} (a restored, reset or moved store); published release ${release.id} ` +
          `as serial ${release.soaSerial} so that secondaries transfer the zone again.\n`,
      ),
  });
  // The primary opens the store on its own connection and holds the zone in memory, on its own thread: while
  // this one builds a release, answers, transfers and NOTIFYs go on.
  const primary = new DnsPrimaryThread({
    store: { dataDir: config.dataDir, databaseUrl: config.databaseUrl },
    host: config.dns.host,
    port: config.dns.port,
    policy,
    transferAllow: config.transferAllow,
    tcpLimits: config.limits.dnsTcp,
    rateLimit: config.limits.dnsRateLimit,
  });
  primary.on("error", onError);
  // Which serial each operator transferred: one sign that a canary holds a staged release.
  primary.on("transfer", (transfer) => {
    if (transfer.operator)
      recordOperatorTransfer(store.db, transfer.operator, transfer.serial, now()).catch(onError);
  });
  const notifier = primary.notifier;
  if (options.onNotifyOutcome) notifier.on("notified", options.onNotifyOutcome);
  const bgp = birdSpeakerOf(store, config, onError, options.onBgpSync);
  scheduler.on("release", (release) => {
    served.record(release.soaSerial).catch(onError);
    // The thread applies the release's journal to the zone it serves, then sends the NOTIFY.
    primary.released(release.soaSerial);
    bgp?.sync();
  });
  // BIRD announces everyone's routes: a rollout promoted changes them with no release built.
  scheduler.on("promoted", () => bgp?.sync());
  const dns = await primary.start();
  let first: ReleaseSummary | null = null;
  let current: Awaited<ReturnType<ZoneSource["version"]>>;
  try {
    first = await scheduler.start();
    current = await new ZoneSource(store.db, "soa").version();
    if (current.releaseId > 0) await served.record(current.serial);
  } catch (error) {
    await primary.close();
    throw error;
  }
  // A crash may have come between the newest release's commit and its NOTIFY: tell the secondaries again at
  // start (RFC 1996: a NOTIFY for a serial they have is answered and ignored).
  if (!first && current.releaseId > 0) primary.notify(current.serial);
  // Not awaited: BIRD may start after decree; the routes file is written at once and BIRD told when it answers.
  bgp?.sync();
  return {
    scheduler,
    primary,
    notifier,
    first,
    dns,
    bgp: bgp?.speaker,
    async close() {
      bgp?.stop();
      await scheduler.stop();
      await bgp?.speaker.settled();
      await primary.close();
    },
  };
}

/** How long after a failed BIRD reload the routes are tried again, if no release comes first. */
const bgpRetryMs = 5000;

/**
 * decree's BIRD, when bgpRoutesFile is set: synced after each release; a failed sync (BIRD down, a reload
 * refused) is logged and tried again until one succeeds, since a withdrawal must not wait for the next release.
 */
function birdSpeakerOf(
  store: Store,
  config: ServiceConfig,
  onError: (error: unknown) => void,
  onSync: ((sync: BirdSync) => void) | undefined,
) {
  const { routesFile, reload, nextHops } = config.bgp;
  if (!routesFile) return undefined;
  const speaker = new BirdSpeaker({ db: store.db, zone: config.rpzZone, routesFile, reload, nextHops });
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const sync = () => {
    clearTimeout(retry);
    if (stopped) return;
    speaker.sync().then(onSync, (error) => {
      onError(error);
      if (stopped) return;
      retry = setTimeout(sync, bgpRetryMs);
      retry.unref();
    });
  };
  return {
    speaker,
    sync,
    stop() {
      stopped = true;
      clearTimeout(retry);
    },
  };
}

/** `status` is the command that reads this registry back, with the options that chose it. */
export function describeService(
  service: RunningService,
  config: ServiceConfig,
  status = "npx decree status",
): string {
  const base = `http://${formatHostPort(service.http)}`;
  const dns = service.dns;
  const serial = service.publication.first?.soaSerial;
  const stop = `http://${formatHostPort(service.stop.address)}`;
  return [
    `decree is serving the registry in ${service.store.location}`,
    `  HTTP  ${base}   (the API; in a browser, the public portal and the desks)`,
    `  DNS   ${formatHostPort(dns)}, RPZ zone ${config.rpzZone}${serial ? `, serial ${serial}` : ""}`,
    `  STOP  ${stop}   (the stop page operators point blocked names at; it links to ${service.stop.publicUrl})`,
    ...(service.demo.loaded
      ? [
          `  demo  order ${service.demo.orderId} (TGI Paris, RG 11/60013) with ${service.demo.entries} active entries`,
        ]
      : []),
    "",
    "Try:",
    `  open ${base}/?q=allostreaming.com                      # the public portal: is it blocked, why, until when`,
    `  curl ${base}/log/checkpoint                               # the log's signed checkpoint (decree verify)`,
    `  dig @${dns.host} -p ${dns.port} +short allostreaming.com.${config.rpzZone}   # CNAME . : blocked (NXDOMAIN)`,
    `  dig @${dns.host} -p ${dns.port} +tcp AXFR ${config.rpzZone}                 # the whole zone`,
    `  curl ${base}/feeds/hosts                                  # the blocklist as a hosts file, signed`,
    `  curl ${base}/orders`,
    `  curl -i -H 'Host: allostreaming.com' ${stop}/   # the stop page: 451, the order, how to appeal`,
    `  curl '${base}/targets?name=allostreaming.com'`,
    `  ${status}`,
  ].join("\n");
}

/**
 * The mirror job runs with a resolver for its evidence (config mirrorResolver or checkResolver): it captures the
 * blocked sites of each order that extends to mirrors as soon as it sees them, and runs discovery only when asked
 * to (config mirrorIntervalMs), since discovery reaches out to many names a registry must choose to ask about.
 */
function mirrorJobSettings(config: ServiceConfig): MirrorJobSettings | undefined {
  const site = siteSettingsOf(config);
  return site && { site, intervalMs: config.mirrorIntervalMs, checkSettings: checkSettings(config) };
}

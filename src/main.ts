import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { formatHostPort, type HostPort } from "./config/host-port.ts";
import type { ServiceConfig } from "./config/load-config.ts";
import { type DemoLoad, loadDemo } from "./demo/load-demo.ts";
import { buildApp } from "./http/build-app.ts";
import type { ReleaseSummary } from "./publish/build-release.ts";
import { DnsPrimary } from "./publish/dns/dns-primary.ts";
import { NotifySender } from "./publish/dns/notify-sender.ts";
import { listOperators, operatorKeys } from "./publish/operators.ts";
import { ReleaseScheduler } from "./publish/release-scheduler.ts";
import type { RpzPolicy } from "./publish/rpz-policy.ts";
import { ZoneSource } from "./publish/zone-source.ts";
import { applyClock } from "./registry/apply-clock.ts";
import type { Store } from "./store/database.ts";
import { inTransaction } from "./store/in-transaction.ts";
import { openStore } from "./store/open-store.ts";

export interface RunningService {
  store: Store;
  app: FastifyInstance;
  http: HostPort;
  dns: HostPort;
  demo: DemoLoad;
  publication: Publication;
  close(): Promise<void>;
}

export interface Publication {
  scheduler: ReleaseScheduler;
  primary: DnsPrimary;
  notifier: NotifySender;
  /** The first release of this run (or null when the store's latest was already current). */
  first: ReleaseSummary | null;
}

export interface ServiceOptions {
  now?: () => Date;
  logger?: boolean | object;
  /** How often the clock moves time-driven states (activation, expiry). */
  clockIntervalMs?: number;
  /** How often the release scheduler looks for changes written by other processes. */
  releasePollMs?: number;
}

export function rpzPolicyOf(config: ServiceConfig): RpzPolicy {
  return { zone: config.rpzZone, defaultAction: config.rpzAction, stopPage: config.stopPage, ttl: 60 };
}

/**
 * Wires the service: store, demo data, releases, the DNS primary with its NOTIFYs, HTTP, and the clock that
 * activates and expires entries.
 */
export async function startService(
  config: ServiceConfig,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const now = options.now ?? (() => new Date());
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let app: FastifyInstance | undefined;
  let publication: (Publication & { dns: HostPort; close(): Promise<void> }) | undefined;
  try {
    const demo: DemoLoad = config.demo ? await loadDemo(store, now()) : { loaded: false };
    await tickClock(store, now());
    app = await buildApp({
      store,
      now,
      logger: options.logger ?? false,
      dataDir: config.dataDir,
      policy: rpzPolicyOf(config),
    });
    const log = app.log;
    publication = await startPublication(store, config, now, options, (error) =>
      log.error({ err: error }, "publication failed; it will try again"),
    );
    await app.listen({ host: config.http.host, port: config.http.port });
    const { address, port } = app.server.address() as AddressInfo;
    const scheduler = publication.scheduler;
    const clock = setInterval(
      () =>
        void tickClock(store, now())
          .then((changes) => changes.length > 0 && scheduler.poke())
          .catch(logClockFailure(app)),
      options.clockIntervalMs ?? 1000,
    );
    clock.unref();
    const running = app;
    const published = publication;
    return {
      store,
      app,
      http: { host: address, port },
      dns: published.dns,
      demo,
      publication: published,
      async close() {
        clearInterval(clock);
        await running.close();
        await published.close();
        await store.close();
      },
    };
  } catch (error) {
    await app?.close();
    await publication?.close();
    await store.close();
    throw error;
  }
}

/**
 * Releases, the DNS primary and NOTIFY: each release invalidates the cached AXFR and tells every operator's
 * secondaries, so that resolvers ask for the increment within milliseconds.
 */
async function startPublication(
  store: Store,
  config: ServiceConfig,
  now: () => Date,
  options: ServiceOptions,
  onError: (error: unknown) => void,
) {
  const policy = rpzPolicyOf(config);
  const scheduler = new ReleaseScheduler({
    db: store.db,
    dialect: store.dialect,
    policy,
    now,
    windowMs: config.releaseWindowMs,
    pollMs: options.releasePollMs ?? 5,
    onError,
  });
  const primary = new DnsPrimary({
    host: config.dns.host,
    port: config.dns.port,
    zone: new ZoneSource(store.db),
    policy,
    access: {
      keys: () => operatorKeys(store.db),
      allowed: async () => [
        ...config.transferAllow,
        ...(await listOperators(store.db)).flatMap((o) => o.allow),
      ],
    },
  });
  primary.on("error", onError);
  const notifier = new NotifySender(policy);
  scheduler.on("release", (release) => {
    primary.invalidate();
    void listOperators(store.db)
      .then((operators) =>
        notifier.notifyAll(
          operators.flatMap((o) => o.notify),
          release.serial,
        ),
      )
      .catch(onError);
  });
  const dns = await primary.start();
  let first: ReleaseSummary | null = null;
  try {
    first = await scheduler.start();
  } catch (error) {
    await primary.close();
    throw error;
  }
  return {
    scheduler,
    primary,
    notifier,
    first,
    dns,
    async close() {
      await scheduler.stop();
      notifier.close();
      await primary.close();
    },
  };
}

function tickClock(store: Store, at: Date) {
  return inTransaction(store.db, (trx) => applyClock(trx, at));
}

function logClockFailure(app: FastifyInstance | undefined) {
  return (error: unknown) => app?.log.error({ err: error }, "clock tick failed; it will run again");
}

export function describeService(service: RunningService, config: ServiceConfig): string {
  const base = `http://${formatHostPort(service.http)}`;
  const dns = service.dns;
  const serial = service.publication.first?.serial;
  return [
    `decree is serving the registry in ${service.store.location}`,
    `  HTTP  ${base}`,
    `  DNS   ${formatHostPort(dns)}, RPZ zone ${config.rpzZone}${serial ? `, serial ${serial}` : ""}`,
    ...(service.demo.loaded
      ? [
          `  demo  order ${service.demo.orderId} (TGI Paris, RG 11/60013) with ${service.demo.entries} active entries`,
        ]
      : []),
    "",
    "Try:",
    `  dig @${dns.host} -p ${dns.port} +short allostreaming.com.${config.rpzZone}   # CNAME . : blocked (NXDOMAIN)`,
    `  dig @${dns.host} -p ${dns.port} +tcp AXFR ${config.rpzZone}                 # the whole zone`,
    `  curl ${base}/feeds/hosts                                  # the blocklist as a hosts file, signed`,
    `  curl ${base}/orders`,
    `  curl '${base}/targets?name=allostreaming.com'`,
    "  npx decree status",
  ].join("\n");
}

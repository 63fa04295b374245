import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { formatHostPort, type HostPort } from "./config/host-port.ts";
import type { ServiceConfig } from "./config/load-config.ts";
import { type DemoLoad, loadDemo } from "./demo/load-demo.ts";
import { buildApp } from "./http/build-app.ts";
import { applyClock } from "./registry/apply-clock.ts";
import type { Store } from "./store/database.ts";
import { inTransaction } from "./store/in-transaction.ts";
import { openStore } from "./store/open-store.ts";

export interface RunningService {
  store: Store;
  app: FastifyInstance;
  http: HostPort;
  demo: DemoLoad;
  close(): Promise<void>;
}

export interface ServiceOptions {
  now?: () => Date;
  logger?: boolean | object;
  /** How often the clock moves time-driven states (activation, expiry). */
  clockIntervalMs?: number;
}

/** Wires the service: store, demo data, HTTP, and the clock that expires entries. */
export async function startService(
  config: ServiceConfig,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const now = options.now ?? (() => new Date());
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let app: FastifyInstance | undefined;
  try {
    const demo: DemoLoad = config.demo ? await loadDemo(store, now()) : { loaded: false };
    await tickClock(store, now());
    app = await buildApp({ store, now, logger: options.logger ?? false });
    await app.listen({ host: config.http.host, port: config.http.port });
    const { address, port } = app.server.address() as AddressInfo;
    const clock = setInterval(
      () => void tickClock(store, now()).catch(logClockFailure(app)),
      options.clockIntervalMs ?? 1000,
    );
    clock.unref();
    const running = app;
    return {
      store,
      app,
      http: { host: address, port },
      demo,
      async close() {
        clearInterval(clock);
        await running.close();
        await store.close();
      },
    };
  } catch (error) {
    await app?.close();
    await store.close();
    throw error;
  }
}

function tickClock(store: Store, at: Date) {
  return inTransaction(store.db, (trx) => applyClock(trx, at));
}

function logClockFailure(app: FastifyInstance | undefined) {
  return (error: unknown) => app?.log.error({ err: error }, "clock tick failed; it will run again");
}

export function describeService(service: RunningService, config: ServiceConfig): string {
  const base = `http://${formatHostPort(service.http)}`;
  const lines = [
    `decree is serving the registry in ${service.store.location}`,
    `  HTTP  ${base}`,
    "",
    "Try:",
    `  curl ${base}/health`,
    `  curl ${base}/orders`,
    `  curl '${base}/targets?name=allostreaming.com'`,
    "  npx decree status",
  ];
  if (service.demo.loaded) {
    lines.splice(
      2,
      0,
      `  demo  order ${service.demo.orderId} (TGI Paris, RG 11/60013) loaded with ${service.demo.entries} active entries`,
    );
  }
  if (config.dns)
    lines.splice(
      2,
      0,
      `  DNS   ${formatHostPort(config.dns)} (reserved for the RPZ primary; not served yet)`,
    );
  return lines.join("\n");
}

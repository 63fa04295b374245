import type { CheckSettings } from "../../checks/check-data.ts";
import { type Order, orderFromRow, orderState } from "../../intake/order.ts";
import type { Store } from "../../store/database.ts";
import { captureOriginals } from "./capture-originals.ts";
import { type DiscoveryLimits, type DiscoveryRun, discoverMirrors } from "./discover-mirrors.ts";
import type { SiteSettings } from "./site-settings.ts";

export interface MirrorJobOptions {
  now: Date;
  /** Discovery runs for an order at most this often; 0: never (originals are still captured). */
  intervalMs: number;
  limits?: Partial<DiscoveryLimits>;
  checkSettings?: CheckSettings;
  actor?: string;
}

export interface MirrorJobRun {
  /** Orders whose blocked sites were captured in this run (the first run after they were recorded). */
  captured: number[];
  runs: DiscoveryRun[];
}

/**
 * The scheduler's mirror job: every confirmed order in force that extends to mirrors has its blocked sites
 * captured as soon as the job sees it (so that the evidence predates the block and the move), and discovery
 * run for it when its last run is older than the interval. Bounded by the discovery limits, run by run.
 */
export async function runMirrorDiscovery(
  store: Store,
  settings: SiteSettings,
  options: MirrorJobOptions,
): Promise<MirrorJobRun> {
  const actor = options.actor ?? "decree:mirrors";
  const rows = await store.db
    .selectFrom("orders")
    .selectAll()
    .where("extends_to_mirrors", "=", 1)
    .where("confirmed_at", "is not", null)
    .where("valid_until", ">", options.now.toISOString())
    .orderBy("id")
    .execute();
  const orders = rows.map(orderFromRow).filter((order) => orderState(order, options.now) === "in-force");
  const result: MirrorJobRun = { captured: [], runs: [] };
  for (const order of orders) {
    if (await capturesMissing(store, order)) {
      await captureOriginals(store, order, settings, { actor, now: () => new Date() });
      result.captured.push(order.id);
    }
    if (options.intervalMs > 0 && (await discoveryDue(store, order.id, options))) {
      result.runs.push(
        await discoverMirrors(store, order, settings, {
          actor,
          now: () => new Date(),
          limits: options.limits,
          checkSettings: options.checkSettings,
        }),
      );
    }
  }
  return result;
}

async function capturesMissing(store: Store, order: Order): Promise<boolean> {
  const missing = await store.db
    .selectFrom("targets")
    .select("targets.id")
    .where("targets.order_id", "=", order.id)
    .where("targets.origin", "=", "order")
    .where("targets.kind", "in", ["fqdn", "domain"])
    .where("targets.state", "not in", ["rejected", "lifted"])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("site_captures")
            .select("site_captures.id")
            .whereRef("site_captures.name", "=", "targets.value")
            .where("site_captures.order_id", "=", order.id)
            .where("site_captures.role", "=", "original"),
        ),
      ),
    )
    .limit(1)
    .executeTakeFirst();
  return missing !== undefined;
}

async function discoveryDue(store: Store, orderId: number, options: MirrorJobOptions): Promise<boolean> {
  const last = await store.db
    .selectFrom("mirror_runs")
    .select("started_at")
    .where("order_id", "=", orderId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!last) return true;
  return options.now.getTime() - Date.parse(last.started_at) >= options.intervalMs;
}

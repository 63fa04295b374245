import type { Order } from "../../intake/order.ts";
import type { Store } from "../../store/database.ts";
import { mapLimited } from "../map-limited.ts";
import { blockedNames } from "./blocked-names.ts";
import { collectSiteEvidence } from "./collect-site-evidence.ts";
import type { SiteSettings } from "./site-settings.ts";
import { originalCaptures, type StoredCapture, storeCapture } from "./store-capture.ts";

export interface CaptureOptions {
  actor: string;
  now: () => Date;
  /** Capture again even the names captured before (`decree mirrors capture`); by default only the missing. */
  again?: boolean;
  concurrency?: number;
}

/**
 * Captures the blocked sites of an order as they are now: the fingerprints its mirrors will be compared with,
 * kept as evidence. Sites are fetched outside any transaction (the network is slow); each capture is then one
 * insert. Returns the order's latest capture of every blocked name.
 */
export async function captureOriginals(
  store: Store,
  order: Order,
  settings: SiteSettings,
  options: CaptureOptions,
): Promise<StoredCapture[]> {
  const names = (await blockedNames(store.db, order.id)).map((blocked) => blocked.name);
  const have = new Set((await originalCaptures(store.db, order.id)).map((capture) => capture.name));
  const missing = options.again ? names : names.filter((name) => !have.has(name));
  await mapLimited(missing, options.concurrency ?? 8, async (name) => {
    const evidence = await collectSiteEvidence(name, settings, undefined, options.now);
    await storeCapture(store.db, evidence, { orderId: order.id, role: "original", actor: options.actor });
  });
  return originalCaptures(store.db, order.id);
}

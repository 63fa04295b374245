import { fileURLToPath } from "node:url";
import { recordFindings } from "../checks/record-findings.ts";
import { parseOrderFile } from "../intake/parse-order-file.ts";
import { recordOrder } from "../intake/record-order.ts";
import { decideTargets } from "../registry/decide-targets.ts";
import type { Store } from "../store/database.ts";
import { inTransaction } from "../store/in-transaction.ts";

export const demoOrderFile = fileURLToPath(
  new URL("../../data/demo/allostreaming-2013.yaml", import.meta.url),
);
export const demoActor = "demo";

export interface DemoLoad {
  loaded: boolean;
  orderId?: number;
  entries?: number;
}

/**
 * On a store with no order yet, records the Allostreaming order (its validity moved to start now, so that it is in
 * force) and approves its 16 domains, in one transaction. A store that already has orders is left alone.
 */
export async function loadDemo(store: Store, now: Date): Promise<DemoLoad> {
  const input = await parseOrderFile(demoOrderFile);
  return inTransaction(store.db, async (trx) => {
    const existing = await trx.selectFrom("orders").select("id").limit(1).executeTakeFirst();
    if (existing) return { loaded: false };
    const scoped = { ...store, db: trx };
    const { order, targets } = await recordOrder(scoped, input, {
      actor: demoActor,
      now,
      validityStartsAt: now,
      afterTargets: (trx2, recorded, added) => recordFindings(trx2, recorded, added.added, { now }),
    });
    const approved = await decideTargets(scoped, {
      decision: "approve",
      refs: (targets?.added ?? []).map((target) => String(target.id)),
      reason: "demo: the court ordered these domain names blocked (TGI Paris, 28 Nov 2013, RG 11/60013)",
      actor: demoActor,
      now,
    });
    return { loaded: true, orderId: order.id, entries: approved.length };
  });
}

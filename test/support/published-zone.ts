import { recordOrder } from "../../src/intake/record-order.ts";
import { buildRelease } from "../../src/publish/build-release.ts";
import { defaultRpzPolicy, type RpzPolicy } from "../../src/publish/rpz-policy.ts";
import { decideTargets } from "../../src/registry/decide-targets.ts";
import type { Store } from "../../src/store/database.ts";
import { duringOrder, sampleOrder } from "./sample-order.ts";

export const actor = "test:authority";

/** Records a sample order with these targets and approves them all; returns the targets' ids. */
export async function approveTargets(
  store: Store,
  targets: unknown[],
  overrides: Record<string, unknown> = {},
): Promise<string[]> {
  const { targets: added } = await recordOrder(store, sampleOrder({ targets, ...overrides }), {
    actor,
    now: duringOrder,
  });
  const refs = (added?.added ?? []).map((target) => String(target.id));
  await decideTargets(store, { decision: "approve", refs, reason: "ordered", actor, now: duringOrder });
  return refs;
}

/** Suspends targets (as an appeal would), so that the next release takes them out of the zone. */
export async function suspendTargets(store: Store, refs: string[]): Promise<void> {
  await decideTargets(store, { decision: "suspend", refs, reason: "appeal", actor, now: duringOrder });
}

/** Publishes the registry's changes as the next release: its serial, or the current one if none changed. */
export async function publish(store: Store, policy: RpzPolicy = defaultRpzPolicy): Promise<number> {
  const release = await buildRelease(store.db, store.dialect, policy, duringOrder);
  if (release) return release.serial;
  const latest = await store.db
    .selectFrom("releases")
    .select("serial")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return Number(latest?.serial ?? 0);
}

/** The default policy with a stop page, so that `stop-page` orders publish A and AAAA local data. */
export const stopPagePolicy: RpzPolicy = {
  ...defaultRpzPolicy,
  stopPage: { ipv4: "192.0.2.80", ipv6: "2001:db8::80" },
};

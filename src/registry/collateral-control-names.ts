import type { Kysely } from "kysely";
import type { Database } from "../store/database.ts";
import { type AddressEvidence, orderCollateral } from "./order-collateral.ts";

/**
 * Up to `limit` registrable domains co-hosted on the active IP and prefix entries of every order, for probes to
 * ask as control names: a resolver that applies an address block to the names behind it (an RPZ `rpz-ip`
 * trigger does) answers them as blocked, and the probe records the over-blocking as measured, not assumed.
 * Spread over the orders in turn, so one order with many sites does not fill the sample alone.
 */
export async function collateralControlNames(
  db: Kysely<Database>,
  limit: number,
  evidence?: AddressEvidence,
): Promise<string[]> {
  if (limit <= 0) return [];
  const orders = await db
    .selectFrom("targets")
    .select("order_id")
    .distinct()
    .where("kind", "in", ["ip", "cidr"])
    .where("state", "=", "active")
    .orderBy("order_id")
    .execute();
  const samples: string[][] = [];
  for (const { order_id } of orders) {
    samples.push((await orderCollateral(db, Number(order_id), evidence, limit)).coHosted.sample);
  }
  const names = new Set<string>();
  for (let index = 0; names.size < limit && samples.some((sample) => index < sample.length); index += 1) {
    for (const sample of samples) {
      const name = sample[index];
      if (name !== undefined && names.size < limit) names.add(name);
    }
  }
  return [...names];
}

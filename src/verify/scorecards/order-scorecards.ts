import type { Kysely } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Database } from "../../store/database.ts";
import { closedTimes, complianceTimings } from "../probes/compliance-timings.ts";
import type { OrderScorecard } from "./scorecard.ts";
import { scorecardFigures } from "./scorecard-figures.ts";
import { scorecardTimings } from "./scorecard-timings.ts";

/** Orders with entries the registry published (active, lifted or expired): the others have nothing to enforce. */
const publishedStates = ["active", "suspended", "lifted", "expired"] as const;

/**
 * Each order's scorecard: its entries at every operator in service. An operator whose resolvers were never
 * asked about the order's names is listed with its figures null, "not measured".
 */
export async function orderScorecards(db: Kysely<Database>, orderId?: number): Promise<OrderScorecard[]> {
  // An order none of whose names was ever published is not public yet: it has no scorecard, by id or listed.
  let query = db
    .selectFrom("orders")
    .select(["id", "case_number", "authority"])
    .where("id", "in", (eb) =>
      eb
        .selectFrom("targets")
        .select("order_id")
        .where("state", "in", [...publishedStates]),
    )
    .orderBy("id");
  if (orderId !== undefined) query = query.where("id", "=", orderId);
  const orders = await query.execute();
  if (orderId !== undefined && orders.length === 0) {
    throw new DecreeError("ORDER_NOT_FOUND", `No order ${orderId}: GET /scorecards/orders lists them.`);
  }
  const operators = await db
    .selectFrom("operators")
    .select(["id", "name", "kind"])
    .where("removed_at", "is", null)
    .orderBy("name")
    .execute();
  if (orders.length === 0) return [];
  const operatorIds = operators.map((operator) => Number(operator.id));
  // The serial lag is the operator's whatever the order: read once, not once an order.
  const timings = await complianceTimings(db, operatorIds);
  const cards: OrderScorecard[] = [];
  for (const order of orders) {
    const card: OrderScorecard = {
      orderId: Number(order.id),
      caseNumber: order.case_number,
      authority: order.authority,
      operators: [],
    };
    const enforced = await closedTimes(db, "enforcements", operatorIds, card.orderId);
    const lifted = await closedTimes(db, "lifts", operatorIds, card.orderId);
    for (const operator of operators) {
      const id = Number(operator.id);
      const orderTimings = scorecardTimings(timings.get(id)!, {
        enforced: enforced.get(id) ?? [],
        lifted: lifted.get(id) ?? [],
      });
      card.operators.push({
        operator: operator.name,
        kind: operator.kind,
        ...(await scorecardFigures(db, { id, name: operator.name }, orderTimings, card.orderId)),
      });
    }
    cards.push(card);
  }
  return cards;
}

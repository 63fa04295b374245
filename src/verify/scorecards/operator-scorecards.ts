import type { Kysely } from "kysely";
import { findOperatorRow } from "../../publish/operators.ts";
import type { Database } from "../../store/database.ts";
import { complianceTimings } from "../probes/compliance-timings.ts";
import type { OperatorScorecard } from "./scorecard.ts";
import { scorecardFigures } from "./scorecard-figures.ts";
import { scorecardTimings } from "./scorecard-timings.ts";

/**
 * The public scorecard of each operator in service (or of one, by name): every operator is listed, measured or
 * not, so that an operator nobody probes shows as "not measured" rather than missing.
 */
export async function operatorScorecards(db: Kysely<Database>, name?: string): Promise<OperatorScorecard[]> {
  const rows = name
    ? [await findOperatorRow(db, name)]
    : await db.selectFrom("operators").selectAll().where("removed_at", "is", null).orderBy("name").execute();
  const timings = await complianceTimings(
    db,
    rows.map((row) => Number(row.id)),
  );
  const cards: OperatorScorecard[] = [];
  for (const row of rows) {
    const id = Number(row.id);
    const resolvers = await db
      .selectFrom("resolvers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("operator_id", "=", id)
      .executeTakeFirstOrThrow();
    cards.push({
      operator: row.name,
      kind: row.kind,
      resolvers: Number(resolvers.n),
      ...(await scorecardFigures(db, { id, name: row.name }, scorecardTimings(timings.get(id)!))),
    });
  }
  return cards;
}

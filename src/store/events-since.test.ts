import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "kysely";
import { describeEachEngine } from "../../test/support/each-engine.ts";
import { eventsSinceQuery } from "./events-since.ts";

describeEachEngine("the events a release is built from", (store) => {
  it("are read by a range of the primary key (id > cursor), never by walking the subject index", async () => {
    const { db, dialect } = store();
    const query = eventsSinceQuery(db, 41).compile();
    if (dialect === "sqlite") {
      const plan = await sql
        .raw<{ detail: string }>(`explain query plan ${query.sql.replace("?", "41")}`)
        .execute(db);
      const details = plan.rows.map((row) => row.detail).join("\n");
      assert.match(details, /SEARCH events USING INTEGER PRIMARY KEY \(rowid>\?\)/, details);
      assert.doesNotMatch(details, /events_subject/, details);
    } else {
      // On a near-empty table PostgreSQL rightly prefers a sequential scan; without one it must use the key range.
      const plan = await db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        return sql.raw<{ "QUERY PLAN": string }>(`explain ${query.sql.replace("$1", "41")}`).execute(trx);
      });
      const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
      assert.match(text, /Index Scan on events_pkey|Index Scan using events_pkey on events/, text);
      assert.match(text, /Index Cond: \(id > /, text);
      assert.doesNotMatch(text, /events_subject/, text);
    }
  });
});

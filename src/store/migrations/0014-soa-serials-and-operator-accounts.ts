import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.ts";
import { bigint } from "./column-types.ts";

/**
 * SOA serials apart from release numbers, and operators as accounts that change over time.
 *
 * `releases.soa_serial` is what DNS sees (SOA, IXFR journal, NOTIFY): it only goes up in RFC 1982 terms, across
 * store resets and restores, while the release number stays the name feeds and acknowledgments use. Existing
 * releases keep the serial they were served with (their release number).
 *
 * Operators gain an enforcer kind (an order may address every operator of a kind), a removal time (removed
 * operators keep their rows, which measurements and acknowledgments reference) and a previous TSIG key that
 * stays valid until a re-key's grace period ends.
 */
export function soaSerialsAndOperatorAccounts(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("releases")
        .addColumn("soa_serial", bigint(dialect), (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update releases set soa_serial = serial`.execute(db);
      await db.schema.createIndex("releases_soa_serial").on("releases").column("soa_serial").execute();
      await db.schema
        .alterTable("operators")
        .addColumn("kind", "text", (c) => c.notNull().defaultTo("isp"))
        .execute();
      await db.schema.alterTable("operators").addColumn("removed_at", "text").execute();
      await db.schema.alterTable("operators").addColumn("previous_tsig_key_name", "text").execute();
      await db.schema.alterTable("operators").addColumn("previous_tsig_secret", "text").execute();
      await db.schema.alterTable("operators").addColumn("previous_key_valid_until", "text").execute();
    },
  };
}

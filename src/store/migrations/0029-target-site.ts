import { type Kysely, type Migration, sql } from "kysely";
import { siteOfTarget } from "../../names/site-of-target.ts";
import type { TargetKind } from "../../vocabulary/vocabulary.ts";

/** Rows read and written at a time, so that a store of a million targets is filled in bounded memory. */
const batch = 5000;

/**
 * Each target's site, its registrable domain by the Public Suffix List, kept beside it with an index by order:
 * an appeal against `allostreaming.net` finds the order's `www.allostreaming.net` entry by an index look-up,
 * not by reading every target of a large order. The public suffix rules are code (tldts), so the rows already
 * stored are filled here, in batches by id; new rows get theirs when they are written (intake/add-targets.ts).
 */
export function targetSite(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("targets").addColumn("site", "text").execute();
      let after = 0;
      for (;;) {
        const { rows } = await sql<{ id: number; kind: TargetKind; value: string }>`
          select id, kind, value from targets
          where id > ${after} and kind in ('fqdn', 'domain', 'url') order by id limit ${batch}`.execute(db);
        const last = rows.at(-1);
        if (!last) break;
        after = Number(last.id);
        const bySite = new Map<string, number[]>();
        for (const row of rows) {
          const site = siteOfTarget(row.kind, row.value);
          if (site === null) continue;
          const ids = bySite.get(site);
          if (ids) ids.push(Number(row.id));
          else bySite.set(site, [Number(row.id)]);
        }
        for (const [site, ids] of bySite) {
          for (let start = 0; start < ids.length; start += 500) {
            const chunk = ids.slice(start, start + 500);
            await sql`update targets set site = ${site} where id in (${sql.join(chunk)})`.execute(db);
          }
        }
      }
      await db.schema.createIndex("targets_order_site").on("targets").columns(["order_id", "site"]).execute();
    },
  };
}

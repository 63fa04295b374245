import type { Kysely } from "kysely";
import type { AppealState } from "../intake/appeal.ts";
import type { Database } from "../store/database.ts";
import { type AppealView, appealRows, appealViews } from "./appeal-view.ts";

export const maxAppealPage = 500;

export interface ListAppealsOptions {
  state?: AppealState | undefined;
  /** Keyset paging: appeals with a greater id. */
  after?: number | undefined;
  limit?: number | undefined;
  /** Whether to include each appellant's contact address (personal data: only for who answers them). */
  withContact: boolean;
}

/** Appeals for the authority's queue, oldest first, so that none waits behind newer ones. */
export async function listAppeals(db: Kysely<Database>, options: ListAppealsOptions): Promise<AppealView[]> {
  let query = appealRows(db).where("a.id", ">", options.after ?? 0);
  if (options.state) query = query.where("a.state", "=", options.state);
  const rows = await query
    .orderBy("a.id")
    .limit(options.limit ?? 100)
    .execute();
  return appealViews(db, rows, options.withContact);
}

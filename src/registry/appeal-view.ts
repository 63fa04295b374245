import type { Kysely } from "kysely";
import type { AppealState } from "../intake/appeal.ts";
import type { Database } from "../store/database.ts";
import type { EventAction, TargetKind, TargetState } from "../vocabulary/vocabulary.ts";
import { type SiblingEntry, siteSiblings } from "./site-siblings.ts";

/** An appeal as anyone entitled to see it sees it. `contact` only for those who answer the appellant. */
export interface AppealView {
  id: number;
  state: AppealState;
  reason: string;
  filedAt: string;
  updatedAt: string;
  target: { id: number; kind: TargetKind; value: string; display: string; state: TargetState };
  order: { id: number; authority: string; caseNumber: string; decisionDate: string; jurisdiction: string };
  /**
   * The order's other entries for the same site (registrable domain) that a decision can still change: a
   * decision of scope `site` acts on them too. Entries are public, so the appellant sees them as well.
   */
  siblings: SiblingEntry[];
  contact?: string;
}

/** One step of an appeal's history, from the event log: the filing and each decision, with its reason. */
export interface AppealStep {
  at: string;
  action: EventAction;
  from: string | null;
  to: string | null;
  reason: string | null;
}

export function appealRows(db: Kysely<Database>) {
  return db
    .selectFrom("appeals as a")
    .innerJoin("targets as t", "t.id", "a.target_id")
    .innerJoin("orders as o", "o.id", "a.order_id")
    .select([
      "a.id",
      "a.state",
      "a.reason",
      "a.filed_at",
      "a.updated_at",
      "a.contact_email",
      "t.id as target_id",
      "t.kind",
      "t.value",
      "t.display",
      "t.state as target_state",
      "t.site as target_site",
      "o.id as order_id",
      "o.authority",
      "o.case_number",
      "o.decision_date",
      "o.jurisdiction",
    ]);
}

type AppealRow = Awaited<ReturnType<ReturnType<typeof appealRows>["execute"]>>[number];

/** The views of these rows, with each appeal's siblings found in one query for them all. */
export async function appealViews(
  db: Kysely<Database>,
  rows: readonly AppealRow[],
  withContact: boolean,
): Promise<AppealView[]> {
  const siblings = await siteSiblings(
    db,
    rows.map((row) => ({
      targetId: Number(row.target_id),
      orderId: Number(row.order_id),
      site: row.target_site,
    })),
  );
  return rows.map((row) => ({
    id: Number(row.id),
    state: row.state,
    reason: row.reason,
    filedAt: row.filed_at,
    updatedAt: row.updated_at,
    target: {
      id: Number(row.target_id),
      kind: row.kind,
      value: row.value,
      display: row.display,
      state: row.target_state,
    },
    order: {
      id: Number(row.order_id),
      authority: row.authority,
      caseNumber: row.case_number,
      decisionDate: row.decision_date,
      jurisdiction: row.jurisdiction,
    },
    siblings: siblings.get(Number(row.target_id)) ?? [],
    ...(withContact ? { contact: row.contact_email } : {}),
  }));
}

/** The appeal's steps in order. Events name no appellant and carry no contact, so they can all be shown. */
export async function appealSteps(db: Kysely<Database>, appealId: number): Promise<AppealStep[]> {
  const rows = await db
    .selectFrom("events")
    .select(["at", "action", "from_state", "to_state", "reason"])
    .where("subject_type", "=", "appeal")
    .where("subject_id", "=", appealId)
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    at: row.at,
    action: row.action,
    from: row.from_state,
    to: row.to_state,
    reason: row.reason,
  }));
}

import type { Kysely } from "kysely";
import { findingsOf } from "../checks/findings-of.ts";
import { DecreeError } from "../errors/decree-error.ts";
import { orderFromRow, orderState } from "../intake/order.ts";
import { entryStates } from "../intake/target.ts";
import type { Database } from "../store/database.ts";
import type {
  AddresseeRole,
  CheckName,
  FindingCode,
  Measure,
  OrderKind,
  OrderState,
  Severity,
  TargetKind,
  TargetOrigin,
  TargetState,
} from "../vocabulary/vocabulary.ts";
import { listWindows, type PublicWindow, publicWindow } from "./list-windows.ts";
import { type EntryProofLink, entryProofLinks } from "./log/entry-proofs.ts";

/** An order as the public sees it: the decision and what it orders; who recorded it stays out. */
export interface PublicOrder {
  id: number;
  kind: OrderKind;
  authority: string;
  jurisdiction: string;
  caseNumber: string;
  decisionDate: string;
  measures: Measure[];
  addressees: Array<{ name: string; role: AddresseeRole }>;
  validFrom: string;
  validUntil: string;
  extendsToMirrors: boolean;
  documentSha256: string | null;
  /** The Extended DNS Error (RFC 8914) its blocked answers carry where the resolver says why: 15, 16 or 17. */
  ede: number;
  state: OrderState;
  entries: number;
  /**
   * Blocking windows: when there are any, the order's entries are blocked only during them ("blocked during
   * these matches"); a window with a targetId restricts that entry alone.
   */
  windows: PublicWindow[];
}

export interface PublicEntry {
  id: number;
  kind: TargetKind;
  value: string;
  display: string;
  state: TargetState;
  validFrom: string;
  validUntil: string;
  origin: TargetOrigin;
  findings: Array<{ check: CheckName; severity: Severity; code: FindingCode; message: string }>;
  /** The entry's latest event in the public log, and where its inclusion proof is; null before a checkpoint. */
  proof: EntryProofLink | null;
  /** For an address: the authority's statements that it serves only the order's sites, with their documents' hashes. */
  exclusiveUse: Array<{ statement: string; documentSha256: string; recordedAt: string }>;
}

/** Every order that has at least one public entry (an order with proposals only is not a decision seen yet). */
export async function listPublicOrders(db: Kysely<Database>, now: Date): Promise<PublicOrder[]> {
  const counts = await db
    .selectFrom("targets")
    .select(["order_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("state", "in", entryStates)
    .groupBy("order_id")
    .execute();
  const entriesOf = new Map(counts.map((row) => [Number(row.order_id), Number(row.n)]));
  const rows = (await db.selectFrom("orders").selectAll().orderBy("id").execute()).filter((row) =>
    entriesOf.has(Number(row.id)),
  );
  const windows = await listWindows(
    db,
    rows.map((row) => Number(row.id)),
  );
  return rows.map((row) =>
    publicOrder(
      row,
      entriesOf.get(Number(row.id))!,
      now,
      windows.filter((window) => window.orderId === Number(row.id)).map(publicWindow),
    ),
  );
}

/** One order with its entries, their states, validity and findings, each with its proof link. */
export async function showPublicOrder(
  db: Kysely<Database>,
  id: number,
  now: Date,
): Promise<PublicOrder & { entryList: PublicEntry[] }> {
  const row = await db.selectFrom("orders").selectAll().where("id", "=", id).executeTakeFirst();
  const targets = row
    ? await db
        .selectFrom("targets")
        .selectAll()
        .where("order_id", "=", id)
        .where("state", "in", entryStates)
        .orderBy("id")
        .execute()
    : [];
  if (!row || targets.length === 0) {
    throw new DecreeError("ORDER_NOT_FOUND", `No public order ${id}: GET /public/orders lists them.`);
  }
  const ids = targets.map((t) => Number(t.id));
  const [findings, proofs, windows, statements] = await Promise.all([
    findingsOf(db, ids),
    entryProofLinks(db, ids),
    listWindows(db, [id]),
    db
      .selectFrom("exclusive_use_statements")
      .select(["address", "statement", "document_sha256", "recorded_at"])
      .where("order_id", "=", id)
      .orderBy("id")
      .execute(),
  ]);
  return {
    ...publicOrder(row, targets.length, now, windows.map(publicWindow)),
    entryList: targets.map((t) => ({
      id: Number(t.id),
      kind: t.kind,
      value: t.value,
      display: t.display,
      state: t.state,
      validFrom: t.valid_from,
      validUntil: t.valid_until,
      origin: t.origin,
      findings: (findings.get(Number(t.id)) ?? []).map(({ check, severity, code, message }) => ({
        check,
        severity,
        code,
        message,
      })),
      proof: proofs.get(Number(t.id)) ?? null,
      exclusiveUse: statements
        .filter((statement) => statement.address === t.value)
        .map((statement) => ({
          statement: statement.statement,
          documentSha256: statement.document_sha256,
          recordedAt: statement.recorded_at,
        })),
    })),
  };
}

function publicOrder(
  row: Parameters<typeof orderFromRow>[0],
  entries: number,
  now: Date,
  windows: PublicWindow[],
): PublicOrder {
  const order = orderFromRow(row);
  return {
    id: order.id,
    kind: order.kind,
    authority: order.authority,
    jurisdiction: order.jurisdiction,
    caseNumber: order.caseNumber,
    decisionDate: order.decisionDate,
    measures: order.measures,
    addressees: order.addressees,
    validFrom: order.validFrom,
    validUntil: order.validUntil,
    extendsToMirrors: order.extendsToMirrors,
    documentSha256: order.document.sha256,
    ede: order.ede,
    state: orderState(order, now),
    entries,
    windows,
  };
}

import type { Selectable } from "kysely";
import type { TargetKind } from "../names/target-kind.ts";
import type { TargetsTable } from "../store/database.ts";

export const targetStates = [
  "proposed",
  "approved",
  "active",
  "suspended",
  "lifted",
  "expired",
  "rejected",
] as const;
export type TargetState = (typeof targetStates)[number];

/** States after which a target no longer blocks and the same name may be proposed again. */
export const terminalTargetStates = [
  "rejected",
  "lifted",
  "expired",
] as const satisfies readonly TargetState[];

/** States of an entry: a target the registry has approved (docs/ARCHITECTURE.md, "entry"). */
export const entryStates = [
  "approved",
  "active",
  "suspended",
  "lifted",
  "expired",
] as const satisfies readonly TargetState[];

export const targetOrigins = ["order", "mirror", "amendment"] as const;
export type TargetOrigin = (typeof targetOrigins)[number];

export interface Target {
  id: number;
  orderId: number;
  kind: TargetKind;
  value: string;
  input: string;
  display: string;
  state: TargetState;
  validFrom: string;
  validUntil: string;
  origin: TargetOrigin;
  createdAt: string;
  updatedAt: string;
}

export function targetFromRow(row: Selectable<TargetsTable>): Target {
  return {
    id: row.id,
    orderId: row.order_id,
    kind: row.kind as TargetKind,
    value: row.value,
    input: row.input,
    display: row.display,
    state: row.state as TargetState,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    origin: row.origin as TargetOrigin,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

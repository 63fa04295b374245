import type { Selectable } from "kysely";
import type { TargetKind } from "../names/target-kind.ts";
import type { TargetsTable } from "../store/database.ts";

import type { TargetOrigin, TargetState } from "../vocabulary/vocabulary.ts";

export {
  entryStates,
  type TargetOrigin,
  type TargetState,
  targetStates,
  terminalTargetStates,
} from "../vocabulary/vocabulary.ts";

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
    kind: row.kind,
    value: row.value,
    input: row.input,
    display: row.display,
    state: row.state,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    origin: row.origin,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

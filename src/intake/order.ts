import type { Selectable } from "kysely";
import type { OrdersTable } from "../store/database.ts";
import type {
  AddresseeRole,
  DnsAction,
  EnforcerKind,
  Measure,
  OrderKind,
  OrderState,
} from "../vocabulary/vocabulary.ts";
import { defaultEde, type OrderEde } from "./order-ede.ts";

export interface Addressee {
  name: string;
  role: AddresseeRole;
  /** Every operator of this enforcer kind (e.g. "the VPN providers"); `name` is how the order calls them. */
  kind?: EnforcerKind;
}

/** An order as the rest of decree sees it. */
export interface Order {
  id: number;
  kind: OrderKind;
  authority: string;
  jurisdiction: string;
  caseNumber: string;
  decisionDate: string;
  applicants: string[];
  addressees: Addressee[];
  measures: Measure[];
  deadline: string;
  deadlineSeconds: number;
  validFrom: string;
  validUntil: string;
  extendsToMirrors: boolean;
  legalBasis: string | null;
  document: { url: string | null; sha256: string | null };
  summary: string | null;
  /** null: the registry's default action. */
  dnsAction: DnsAction | null;
  /** The Extended DNS Error of its blocked answers (RFC 8914); 16 (Censored) unless the order chose another. */
  ede: OrderEde;
  recordedAt: string;
  recordedBy: string;
  /** The organisation of the applicant that submitted the order; null: an authority or the shell did. */
  ownerOrganisationId: number | null;
  /** An authority's confirmation; the order's targets can be approved only once it is there. */
  confirmedAt: string | null;
  confirmedBy: string | null;
}

export type { OrderState } from "../vocabulary/vocabulary.ts";

export function orderFromRow(row: Selectable<OrdersTable>): Order {
  return {
    id: row.id,
    kind: row.kind,
    authority: row.authority,
    jurisdiction: row.jurisdiction,
    caseNumber: row.case_number,
    decisionDate: row.decision_date,
    applicants: JSON.parse(row.applicants),
    addressees: JSON.parse(row.addressees),
    measures: JSON.parse(row.measures),
    deadline: row.deadline,
    deadlineSeconds: row.deadline_seconds,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    extendsToMirrors: row.extends_to_mirrors === 1,
    legalBasis: row.legal_basis,
    document: { url: row.document_url, sha256: row.document_sha256 },
    summary: row.summary,
    dnsAction: row.dns_action ?? null,
    ede: (row.ede as OrderEde | null) ?? defaultEde,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    ownerOrganisationId: row.owner_organisation_id === null ? null : Number(row.owner_organisation_id),
    confirmedAt: row.confirmed_at,
    confirmedBy: row.confirmed_by,
  };
}

/** Whether an order is in force is a matter of the clock, so it is derived rather than stored. */
export function orderState(order: Pick<Order, "validFrom" | "validUntil">, now: Date): OrderState {
  const at = now.toISOString();
  if (at < order.validFrom) return "pending";
  return at < order.validUntil ? "in-force" : "expired";
}

import type { ColumnType, Generated, Kysely } from "kysely";

/**
 * One schema for SQLite and PostgreSQL. Timestamps are ISO 8601 UTC strings with milliseconds, so that text order
 * is time order in both engines; lists and objects are JSON text; booleans are 0/1.
 */
export interface OrdersTable {
  id: Generated<number>;
  kind: string;
  authority: string;
  jurisdiction: string;
  case_number: string;
  decision_date: string;
  applicants: string;
  addressees: string;
  measures: string;
  deadline: string;
  deadline_seconds: number;
  valid_from: string;
  valid_until: string;
  extends_to_mirrors: number;
  legal_basis: string | null;
  document_url: string | null;
  document_sha256: string | null;
  summary: string | null;
  recorded_at: string;
  recorded_by: string;
}

export interface TargetsTable {
  id: Generated<number>;
  order_id: number;
  kind: string;
  value: string;
  input: string;
  display: string;
  state: string;
  valid_from: string;
  valid_until: string;
  origin: string;
  created_at: string;
  updated_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  at: string;
  actor: string;
  subject_type: string;
  subject_id: number;
  action: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: ColumnType<string, string | undefined, never>;
}

export interface Database {
  orders: OrdersTable;
  targets: TargetsTable;
  events: EventsTable;
}

export type Dialect = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the store lives, for messages: a file path or a PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
}

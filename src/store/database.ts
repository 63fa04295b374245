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
  /** How resolvers answer for this order's names: nxdomain (default), nodata or stop-page. */
  dns_action: ColumnType<string | null, string | null | undefined, string | null>;
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

export interface ReleasesTable {
  /** The release number: 1, 2, 3, … never reused. */
  id: number;
  /** The SOA serial (RFC 1982): the release number modulo 2^32. */
  serial: number;
  created_at: string;
  /** Every event up to this one is reflected in this release. */
  last_event_id: number;
  record_count: number;
  added: number;
  removed: number;
}

/** One record added to or deleted from the zone by a release: the IXFR journal (RFC 1995). */
export interface ReleaseChangesTable {
  release_id: number;
  op: "add" | "del";
  owner: string;
  rtype: string;
  rdata: string;
}

/** The RPZ zone as of the latest release; owners are relative to the zone apex. */
export interface ZoneRecordsTable {
  owner: string;
  rtype: string;
  rdata: string;
}

export interface PublishCursorTable {
  id: number;
  last_event_id: number;
}

export interface OperatorsTable {
  id: Generated<number>;
  name: string;
  tsig_key_name: string | null;
  /** Base64 HMAC-SHA256 secret: TSIG is symmetric (RFC 8945), so the primary must keep the key itself. */
  tsig_secret: string | null;
  /** JSON list of HOST:PORT to NOTIFY. */
  notify: string;
  /** JSON list of addresses or prefixes allowed to transfer without TSIG. */
  allow: string;
  action: string | null;
  created_at: string;
  created_by: string;
}

/** The registry's signing key (Ed25519, RFC 8032), kept in the store so that every instance signs alike. */
export interface SigningKeysTable {
  id: Generated<number>;
  algorithm: string;
  /** The raw 32-byte public key, base64. */
  public_key: string;
  /** PKCS#8 PEM. */
  private_key: string;
  created_at: string;
}

export interface Database {
  orders: OrdersTable;
  targets: TargetsTable;
  events: EventsTable;
  releases: ReleasesTable;
  release_changes: ReleaseChangesTable;
  zone_records: ZoneRecordsTable;
  publish_cursor: PublishCursorTable;
  operators: OperatorsTable;
  signing_keys: SigningKeysTable;
}

export type Dialect = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the store lives, for messages: a file path or a PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
}

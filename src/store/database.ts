import type { ColumnType, Generated, Kysely } from "kysely";
import type { Locale } from "../locale/locale.ts";
import type {
  AppealState,
  CheckName,
  DeliveryStatus,
  DnsAction,
  EnforcerKind,
  EventAction,
  Expectation,
  FindingCode,
  MirrorCandidateState,
  MirrorRunState,
  MirrorSource,
  MirrorVerdict,
  OrderKind,
  PassiveDnsFormat,
  ProbeRunKind,
  ReportKind,
  Role,
  ScheduledApprovalState,
  Severity,
  StoredCheckDataKind,
  SubjectType,
  TargetKind,
  TargetOrigin,
  TargetState,
  Transport,
  Verdict,
  WindowSource,
  WindowState,
} from "../vocabulary/vocabulary.ts";

/**
 * One schema for SQLite and PostgreSQL. Timestamps are ISO 8601 UTC strings with milliseconds, so that text order
 * is time order in both engines; lists and objects are JSON text; booleans are 0/1. A column holding one of
 * decree's words has that word's type (vocabulary/vocabulary.ts), so a row is read and written without casts.
 */
export interface OrdersTable {
  id: Generated<number>;
  kind: OrderKind;
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
  dns_action: ColumnType<DnsAction | null, DnsAction | null | undefined, DnsAction | null>;
  /** The Extended DNS Error of its blocked answers (RFC 8914): 15, 16 or 17; null: the default, 16. */
  ede: ColumnType<number | null, number | null | undefined, number | null>;
  /** The Citizen Lab category code of its names in the open test lists; null: the registry's default, FILE. */
  test_list_category: ColumnType<string | null, string | null | undefined, string | null>;
  recorded_at: string;
  recorded_by: string;
  /** The organisation of the applicant that submitted the order; null: an authority or the shell did. */
  owner_organisation_id: ColumnType<number | null, number | null | undefined, never>;
  /** When an authority confirmed the order; its targets can be approved only after. */
  confirmed_at: ColumnType<string | null, string | null | undefined, string | null>;
  confirmed_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface TargetsTable {
  id: Generated<number>;
  order_id: number;
  kind: TargetKind;
  value: string;
  input: string;
  display: string;
  state: TargetState;
  valid_from: string;
  valid_until: string;
  origin: TargetOrigin;
  created_at: string;
  updated_at: string;
  /**
   * The registrable domain of its name or URL host (names/site-of-target.ts), so that an appeal finds the
   * order's other entries for the same site by index; null for addresses and prefixes.
   */
  site: ColumnType<string | null, string | null | undefined, never>;
}

export interface EventsTable {
  id: Generated<number>;
  at: string;
  actor: string;
  subject_type: SubjectType;
  subject_id: number;
  action: EventAction;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  data: ColumnType<string, string | undefined, never>;
}

export interface ReleasesTable {
  /** The release number: 1, 2, 3, … never reused. */
  id: number;
  /** The release number modulo 2^32: the name feeds, webhooks and acknowledgments give a release. */
  serial: number;
  /**
   * The SOA serial DNS sees (SOA, IXFR journal, NOTIFY): max(previous + 1, Unix seconds) in RFC 1982 terms,
   * so it only goes up, across store resets and restores too (publish/dns/soa-serial.ts).
   */
  soa_serial: ColumnType<number, number | undefined, number>;
  created_at: string;
  /** Every event up to this one is reflected in this release. */
  last_event_id: number;
  record_count: number;
  added: number;
  removed: number;
  /**
   * SHA-256 of the previous release's digest and this release's journal (0026): the state the zone's canary
   * record names; null for releases written before it.
   */
  digest: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1 while the release is served to canary operators only (migration 0030); 0 once everyone gets it. */
  staged: ColumnType<number, number | undefined, number>;
}

/** One staged rollout (migration 0030): from staging to promotion or withdrawal. */
export interface ReleaseRolloutsTable {
  id: Generated<number>;
  /** The rollout's newest staged release: what canaries are served. */
  release_id: number;
  /** The last release everyone had when the rollout began. */
  base_release_id: number;
  state: "staged" | "halted" | "promoted" | "withdrawn" | "superseded";
  started_at: string;
  halted_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON: why it halted (the over-blocked control names and where). */
  halt: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: ColumnType<string | null, string | null | undefined, string | null>;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The entries a rollout withholds from every operator but the canaries. */
export interface RolloutTargetsTable {
  rollout_id: number;
  target_id: number;
}

/** The authority's override of `releases.staged` (one row, id 1; staged null: the configured default). */
export interface RolloutSettingsTable {
  id: number;
  staged: number | null;
  set_at: string;
  set_by: string;
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
  action: DnsAction | null;
  created_at: string;
  created_by: string;
  /** The enforcer kind: isp, public-resolver, vpn or search-engine. */
  kind: ColumnType<EnforcerKind, EnforcerKind | undefined, EnforcerKind>;
  /** Set when the operator was removed; its row stays for the measurements and acks that name it. */
  removed_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** The key a re-key replaced, valid until `previous_key_valid_until`. */
  previous_tsig_key_name: ColumnType<string | null, string | null | undefined, string | null>;
  previous_tsig_secret: ColumnType<string | null, string | null | undefined, string | null>;
  previous_key_valid_until: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1: the operator gets staged releases first (migration 0030). */
  canary: ColumnType<number, number | undefined, number>;
  /** The newest SOA serial the DNS primary saw this operator transfer, and when. */
  last_transfer_serial: ColumnType<number | null, number | null | undefined, number | null>;
  last_transfer_at: ColumnType<string | null, string | null | undefined, string | null>;
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

export interface OrganisationsTable {
  id: Generated<number>;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  organisation_id: number;
  /** Lowercase. */
  email: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash` (base64url), or null for a user who signs in with tokens only. */
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

/** An OS user who may act from the shell as an account (accounts/os-user-mappings.ts). */
export interface OsUserMappingsTable {
  os_user: string;
  user_id: number;
  /** "store-creator" (made by itself for whoever created the store) or "admin". */
  origin: string;
  created_at: string;
  created_by: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 hex of the token: the token itself is shown once and never stored. */
  token_hash: string;
  label: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** Browser sessions: the cookie's value and the CSRF token are stored as SHA-256 hex only. */
export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/** An appeal against an entry, by anyone. `contact_email` is personal data: never shown publicly nor logged. */
export interface AppealsTable {
  id: Generated<number>;
  /** SHA-256 hex of the follow token, which is shown to the appellant once. */
  token_hash: string;
  target_id: number;
  order_id: number;
  reason: string;
  contact_email: string;
  /** open, suspended (the entry is out of the zone meanwhile), upheld or lifted. */
  state: AppealState;
  filed_at: string;
  updated_at: string;
}

/** An order's document, kept in the store so that every API instance can serve it (0004-workflow). */
export interface DocumentsTable {
  id: Generated<number>;
  order_id: number;
  /** Lowercase hex SHA-256 of `bytes`. */
  sha256: string;
  media_type: string;
  size: number;
  bytes: Buffer;
  uploaded_at: string;
  uploaded_by: string;
}

/** An approval waiting out the cancel window: pending, then applied, cancelled or superseded. */
export interface ScheduledApprovalsTable {
  id: Generated<number>;
  target_id: number;
  actor: string;
  reason: string;
  scheduled_at: string;
  effective_at: string;
  state: ScheduledApprovalState;
  settled_at: string | null;
  settled_by: string | null;
  /** Why a superseded approval could not be applied. */
  outcome: string | null;
}

/** "We applied release N": an operator's or search engine's statement, the first one per release. */
export interface AcknowledgmentsTable {
  id: Generated<number>;
  organisation_id: number;
  release_id: number;
  serial: number;
  at: string;
  /** From the release's created_at to this acknowledgment. */
  time_to_ack_ms: number;
  actor: string;
}

/** A problem an operator or search engine reports with one target. */
export interface TargetReportsTable {
  id: Generated<number>;
  organisation_id: number;
  target_id: number;
  /** already-blocked, cannot-apply or believed-wrong. */
  kind: ReportKind;
  reason: string;
  at: string;
  actor: string;
}

/** A release that carried an order's entries must be acknowledged by its addressees by `due_at`. */
export interface DeadlinesTable {
  id: Generated<number>;
  order_id: number;
  release_id: number;
  serial: number;
  due_at: string;
  /** When the addressees were checked (and breaches recorded); null while open. */
  settled_at: string | null;
}

export interface DeadlineBreachesTable {
  id: Generated<number>;
  order_id: number;
  organisation_id: number;
  release_id: number;
  serial: number;
  due_at: string;
  flagged_at: string;
}

export interface WebhooksTable {
  id: Generated<number>;
  organisation_id: number;
  url: string;
  /** The HMAC-SHA256 key, kept as is: signing needs the key itself. */
  secret: string;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
  /** Releases up to this one are queued for delivery (or predate the webhook). */
  last_release_id: number;
  /** The language of the deliveries' `summary` (migration 0035); English for the webhooks before it. */
  language: ColumnType<Locale, Locale | undefined, Locale>;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  release_id: number;
  serial: number;
  /** Attempts made so far. */
  attempt: number;
  /** pending, delivered or failed (gave up). */
  status: DeliveryStatus;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_error: string | null;
  /** `release` (a release went out) or `release.halted` (a staged rollout stopped; migration 0030). */
  kind: ColumnType<"release" | "release.halted", "release" | "release.halted" | undefined, never>;
  /** JSON: what a `release.halted` delivery says beside the release. */
  details: ColumnType<string | null, string | null | undefined, never>;
}

/** Where a background job has got to, e.g. the last release the deadline job has read. */
export interface JobCursorsTable {
  name: string;
  value: number;
}

/** What a safeguard check found about a target (0006-checks); evidence is JSON text. */
export interface FindingsTable {
  id: Generated<number>;
  target_id: number;
  check: CheckName;
  severity: Severity;
  code: FindingCode;
  message: string;
  evidence: string;
  created_at: string;
}

/** A name's address at submission, from its DNS snapshot (0010-snapshot-addresses): who else is on it? */
export interface SnapshotAddressesTable {
  address: string;
  name: string;
  /** The registrable domain of `name` (its site): names of one site sharing an address are no warning. */
  site: string;
  order_id: number;
  target_id: number;
  taken_at: string;
}

/** One passive-DNS file loaded with `decree data load-passive-dns`: where it came from and what it held. */
export interface PassiveDnsLoadsTable {
  id: Generated<number>;
  file_name: string;
  /** What the loader said the observations come from (e.g. "Rapid7 FDNS 2026-11-30"). */
  source: string;
  /** fdns-json or csv; `pending` while the load's transaction has not read its first line yet. */
  format: PassiveDnsFormat | "pending";
  /** SHA-256 hex of the file as read. */
  sha256: string;
  /** Lines read that were observations of an address (A or AAAA). */
  observations: number;
  /** New (address, site) pairs this load added. */
  pairs: number;
  /** Lines that were no address observation (CNAME, NS…) or named no registrable domain. */
  skipped: number;
  loaded_at: string;
  loaded_by: string;
}

/** A registrable domain seen on an address by passive DNS; the first name seen of it is kept as a sample. */
export interface PassiveDnsTable {
  /** "4" + 8 hex digits or "6" + 32: key order is address order within a family. */
  address_key: string;
  site: string;
  name: string;
  load_id: number;
}

/** An authority's statement that an address serves only the order's sites, with the hash of its evidence. */
export interface ExclusiveUseStatementsTable {
  id: Generated<number>;
  /** The canonical target value: an address or a prefix. */
  address: string;
  order_id: number;
  statement: string;
  /** SHA-256 hex of the document that shows exclusive use (a host's letter, a contract, a capture). */
  document_sha256: string;
  recorded_at: string;
  recorded_by: string;
}

/** A copy of a check's data loaded with `decree data update`: the newest of a kind is the one in use. */
export interface ChecksDataTable {
  id: Generated<number>;
  /** A list of data/ (shared-infrastructure, protected-names, asn-classes, public-resolvers) or ip-to-asn. */
  kind: StoredCheckDataKind;
  /** The file as loaded, JSON text. */
  data: string;
  /** The date the data was taken from its source, as the file says. */
  data_date: string;
  source: string;
  /** SHA-256 hex of `data`. */
  sha256: string;
  loaded_at: string;
  loaded_by: string;
}

/** A resolver an operator registered for probing (0008-probes): UDP, TCP, DNS over TLS or DNS over HTTPS. */
export interface ResolversTable {
  id: Generated<number>;
  operator_id: number;
  host: string;
  port: number;
  /** udp, tcp, tls (RFC 7858) or https (RFC 8484). */
  transport: Transport;
  /** The DoH URI template's URL, for https. */
  url: string | null;
  created_at: string;
  created_by: string;
}

/** A probe agent measuring from inside an operator's network; its Ed25519 key is pinned on first use. */
export interface ProbeAgentsTable {
  id: Generated<number>;
  name: string;
  operator_id: number;
  /** SHA-256 hex of the agent's token, shown once. */
  token_hash: string;
  /** The raw 32-byte Ed25519 public key, base64; null until the agent first presents it. */
  public_key: string | null;
  created_at: string;
  created_by: string;
  last_seen_at: string | null;
}

/** One probe run: a sweep, a follow-up after a release, or a signed batch from an agent. */
export interface ProbeRunsTable {
  id: Generated<number>;
  /** sweep, release or agent. */
  kind: ProbeRunKind;
  /** registry, or agent:<name>. */
  source: string;
  release_id: number | null;
  /** The unfiltered reference resolver, HOST:PORT. */
  reference: string | null;
  started_at: string;
  finished_at: string;
  queries: number;
  /** For an agent's batch: the exact bytes it signed, and its Ed25519 signature (base64), for anyone to re-check. */
  signed_payload: string | null;
  signature: string | null;
}

/** What one resolver answered to one question, and its verdict. */
export interface MeasurementsTable {
  id: Generated<number>;
  run_id: number;
  operator_id: number;
  resolver_id: number;
  name: string;
  qtype: string;
  /** blocked (an active entry), lifted (lifted or expired) or control (must resolve normally). */
  expectation: Expectation;
  target_id: number | null;
  /** enforced, not-enforced, over-blocked or error. */
  verdict: Verdict;
  detail: string | null;
  rcode: string | null;
  /** JSON list of the answer section as text records. */
  answers: string;
  /** The answer's wire format, base64. */
  raw: string | null;
  reference_answers: string | null;
  attempts: number;
  rtt_ms: number | null;
  at: string;
  /** registry, or agent:<name>. */
  source: string;
}

/** When an operator first enforced a name a release added: time to enforce per operator and release. */
export interface EnforcementsTable {
  id: Generated<number>;
  operator_id: number;
  release_id: number;
  serial: number;
  name: string;
  released_at: string;
  enforced_at: string | null;
  time_to_enforce_ms: number | null;
  last_probed_at: string | null;
}

/** What one resolver answered for the canary name (0026): the release it applied, measured. */
export interface CanaryObservationsTable {
  id: Generated<number>;
  operator_id: number;
  resolver_id: number;
  name: string;
  rcode: string | null;
  /** The TXT answer as it came, or null when none did. */
  text: string | null;
  /** The release serial the answer names; null when it names none. */
  serial: number | null;
  digest: string | null;
  failure: string | null;
  at: string;
  /** registry, or agent:<name>. */
  source: string;
}

/** When a resolver was first seen to have applied a release: time to apply per resolver and release. */
export interface CanaryApplicationsTable {
  id: Generated<number>;
  operator_id: number;
  resolver_id: number;
  release_id: number;
  released_at: string;
  applied_at: string;
  time_to_apply_ms: number;
}

/** An acknowledgment of serial N that a resolver of the operator contradicted by showing less after it. */
export interface AckContradictionsTable {
  id: Generated<number>;
  acknowledgment_id: number;
  resolver_id: number;
  claimed_serial: number;
  observed_serial: number | null;
  observed_at: string;
  code: string;
}

/** When an operator was first seen resolving a name again after the release that took it out of the zone. */
export interface LiftsTable {
  id: Generated<number>;
  operator_id: number;
  release_id: number;
  serial: number;
  name: string;
  /** lift, suspension, expiry or window-end: why the release took the name out. */
  cause: string;
  released_at: string;
  lifted_at: string | null;
  time_to_lift_ms: number | null;
  last_probed_at: string | null;
}

/** Leaf `idx` of the public log holds event `event_id` (0007-log). */
export interface LogLeavesTable {
  idx: number;
  event_id: number;
  /** The leaf hash's first six bytes as a number (registry/log/leaf-hash-key.ts), for proofs asked by hash. */
  hash_key: number;
}

/**
 * The leaf of an event whose subject was not public when it was logged is a commitment (0011-log-commitments):
 * SHA-256 of `salt` and the event's leaf data. The salt stays here until the subject is public.
 */
export interface LogCommitmentsTable {
  event_id: number;
  /** 32 random bytes, drawn when the event was sequenced. */
  salt: Buffer;
  /** SHA-256(salt || leaf data), as the leaf holds it. */
  commitment: Buffer;
}

/** A C2SP tlog-tiles tile: `width` hashes of 32 bytes, level 0 the leaf hashes, level L+1 full tiles' roots. */
export interface LogTilesTable {
  level: number;
  idx: number;
  width: number;
  hashes: Buffer;
  /** The tile's rows 1 to 7 above `hashes`, so that proofs read nodes instead of hashing them up. */
  inner: Buffer;
}

/** How far the log has got: its size and the last event id the sequencer has read (one row, id 1). */
export interface LogStateTable {
  id: number;
  size: number;
  last_event_id: number;
}

/** A signed checkpoint (C2SP tlog-checkpoint); `release_id` when it was signed for a release. */
export interface LogCheckpointsTable {
  size: number;
  /** Base64 of the tree's root hash. */
  root_hash: string;
  /** The signed note as the registry signed it, without cosignatures. */
  note: string;
  release_id: number | null;
  created_at: string;
}

/** A witness's cosignature line for the checkpoint of one size, verified before it was kept. */
export interface LogCosignaturesTable {
  size: number;
  witness: string;
  line: string;
  received_at: string;
}

/** What decree saw of a site at one time (0009-mirrors): DNS, fetch and redirects, fingerprint; JSON text. */
export interface SiteCapturesTable {
  id: Generated<number>;
  name: string;
  /** The order whose blocked name (role original) or mirror candidate (role candidate) this is. */
  order_id: number | null;
  role: string;
  evidence: string;
  /** SHA-256 hex of `evidence`, so that a copy handed to a court can be matched to the record. */
  sha256: string;
  captured_at: string;
  captured_by: string;
}

/** A site compared with an order's blocked original: its score, the signals, and the target it became. */
export interface MirrorCandidatesTable {
  id: Generated<number>;
  order_id: number;
  name: string;
  /** The blocked name it was compared with. */
  original: string;
  /** discovery or applicant. */
  source: MirrorSource;
  score: number;
  verdict: MirrorVerdict;
  explanation: string;
  /** JSON list of the signals (src/verify/mirrors/score-mirror.ts). */
  signals: string;
  capture_id: number;
  original_capture_id: number | null;
  target_id: number | null;
  /** queued (a mirror target awaits review), below-threshold, or skipped (already a target). */
  state: MirrorCandidateState;
  created_at: string;
  created_by: string;
}

/** One discovery run: its progress (JSON counts) and the limits it reached. */
export interface MirrorRunsTable {
  id: Generated<number>;
  order_id: number | null;
  /** running, done or failed. */
  state: MirrorRunState;
  progress: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface Database {
  orders: OrdersTable;
  targets: TargetsTable;
  events: EventsTable;
  snapshot_addresses: SnapshotAddressesTable;
  releases: ReleasesTable;
  release_changes: ReleaseChangesTable;
  release_rollouts: ReleaseRolloutsTable;
  rollout_targets: RolloutTargetsTable;
  rollout_settings: RolloutSettingsTable;
  zone_records: ZoneRecordsTable;
  publish_cursor: PublishCursorTable;
  operators: OperatorsTable;
  signing_keys: SigningKeysTable;
  organisations: OrganisationsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  os_user_mappings: OsUserMappingsTable;
  sessions: SessionsTable;
  appeals: AppealsTable;
  documents: DocumentsTable;
  scheduled_approvals: ScheduledApprovalsTable;
  acknowledgments: AcknowledgmentsTable;
  target_reports: TargetReportsTable;
  deadlines: DeadlinesTable;
  deadline_breaches: DeadlineBreachesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  job_cursors: JobCursorsTable;
  findings: FindingsTable;
  checks_data: ChecksDataTable;
  site_captures: SiteCapturesTable;
  mirror_candidates: MirrorCandidatesTable;
  mirror_runs: MirrorRunsTable;
  log_leaves: LogLeavesTable;
  log_commitments: LogCommitmentsTable;
  log_tiles: LogTilesTable;
  log_state: LogStateTable;
  log_checkpoints: LogCheckpointsTable;
  log_cosignatures: LogCosignaturesTable;
  resolvers: ResolversTable;
  probe_agents: ProbeAgentsTable;
  probe_runs: ProbeRunsTable;
  measurements: MeasurementsTable;
  enforcements: EnforcementsTable;
  canary_observations: CanaryObservationsTable;
  canary_applications: CanaryApplicationsTable;
  ack_contradictions: AckContradictionsTable;
  lifts: LiftsTable;
  blocking_windows: BlockingWindowsTable;
  passive_dns_loads: PassiveDnsLoadsTable;
  passive_dns: PassiveDnsTable;
  exclusive_use_statements: ExclusiveUseStatementsTable;
}

export type Dialect = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the store lives, for messages: a file path or a PostgreSQL URL without its password. */
  location: string;
  close(): Promise<void>;
}

/** A blocking window (migration 0015): an order's or a target's entries are served only inside its windows. */
export interface BlockingWindowsTable {
  id: Generated<number>;
  order_id: number;
  /** null: the window is the order's, for every target that has none of its own. */
  target_id: number | null;
  starts_at: string;
  ends_at: string;
  event_starts_at: string | null;
  event_ends_at: string | null;
  margin_before_seconds: number;
  margin_after_seconds: number;
  label: string | null;
  /** `explicit` (typed as an interval) or `icalendar` (an event of an RFC 5545 file). */
  source: WindowSource;
  calendar_uid: string | null;
  /** scheduled, open, closed (moved by the clock) or withdrawn. */
  state: WindowState;
  created_at: string;
  created_by: string;
  withdrawn_at: string | null;
}

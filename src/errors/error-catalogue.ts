/**
 * The one error catalogue (DESIGN.md): every refusal decree gives has a stable code that tests and scripts assert
 * on, and the HTTP status it maps to. The message at the throw site says what was wrong and how to fix it; the
 * title here is the short, stable summary (RFC 9457 `title`).
 */
export const errorCatalogue = {
  // names/: what a person typed cannot be a target
  TARGET_EMPTY: { status: 422, title: "Empty target" },
  TARGET_UNKNOWN_KIND: { status: 422, title: "Unknown target kind" },
  TARGET_KIND_MISMATCH: { status: 422, title: "Input does not fit the requested kind" },
  TARGET_INVALID_CHARACTER: { status: 422, title: "Character not allowed in a host name" },
  TARGET_INVALID_LABEL: { status: 422, title: "Invalid label in a host name" },
  TARGET_EMPTY_LABEL: { status: 422, title: "Empty label in a host name" },
  TARGET_LABEL_TOO_LONG: { status: 422, title: "Label longer than 63 octets" },
  TARGET_NAME_TOO_LONG: { status: 422, title: "Name longer than 253 octets" },
  TARGET_INVALID_IDN: { status: 422, title: "Invalid internationalized name" },
  TARGET_SINGLE_LABEL: { status: 422, title: "Single-label name" },
  TARGET_PUBLIC_SUFFIX: { status: 422, title: "Public suffix" },
  TARGET_SPECIAL_USE_NAME: { status: 422, title: "Special-use domain name" },
  TARGET_INVALID_URL: { status: 422, title: "Invalid URL" },
  TARGET_URL_SCHEME: { status: 422, title: "URL scheme not supported" },
  TARGET_URL_CREDENTIALS: { status: 422, title: "URL carries credentials" },
  TARGET_INVALID_IP: { status: 422, title: "Invalid IP address or prefix" },
  TARGET_IPV4_LEADING_ZERO: { status: 422, title: "Ambiguous IPv4 address" },
  TARGET_PRIVATE_RANGE: { status: 422, title: "Private-use address range" },
  TARGET_SPECIAL_RANGE: { status: 422, title: "Special-purpose address range" },
  TARGET_PREFIX_TOO_WIDE: { status: 422, title: "Prefix too wide" },
  TARGET_CIDR_HOST_BITS: { status: 422, title: "Prefix has host bits set" },

  // intake/: orders and targets as submitted
  ORDER_INVALID: { status: 422, title: "Invalid order" },
  ORDER_FILE_UNREADABLE: { status: 400, title: "Order file cannot be read" },
  ORDER_FILE_SYNTAX: { status: 400, title: "Order file is not valid YAML or JSON" },
  ORDER_DUPLICATE: { status: 409, title: "Order already recorded" },
  ORDER_NOT_FOUND: { status: 404, title: "No such order" },
  ORDER_EXPIRED: { status: 409, title: "Order no longer in force" },
  ORDER_MEASURE_NOT_GRANTED: { status: 422, title: "Order does not grant this measure" },
  IMPORT_FILE_UNREADABLE: { status: 400, title: "Import file cannot be read" },
  IMPORT_CSV_HEADER: { status: 400, title: "CSV header lacks a target column" },
  TARGETS_REJECTED: { status: 422, title: "One or more targets were rejected" },
  IMPORT_EMPTY: { status: 422, title: "Nothing to import" },
  TARGET_DUPLICATE: { status: 409, title: "Target already on this order" },
  TARGET_VALIDITY_BEYOND_ORDER: { status: 422, title: "Target validity exceeds the order's" },

  // registry/: decisions on targets
  TARGET_NOT_FOUND: { status: 404, title: "No such target" },
  TARGET_AMBIGUOUS: { status: 409, title: "Name matches several targets" },
  TARGET_TRANSITION_INVALID: { status: 409, title: "Decision not possible in the target's state" },
  REASON_REQUIRED: { status: 422, title: "A reason is required" },
  RENEWAL_NOT_LATER: { status: 422, title: "A renewal must end later, in the future" },

  // publish/: operators, the DNS primary, feeds
  OPERATOR_INVALID: { status: 422, title: "Invalid operator" },
  OPERATOR_DUPLICATE: { status: 409, title: "Operator already registered" },
  OPERATOR_NOT_FOUND: { status: 404, title: "No such operator" },
  RELEASE_NOT_FOUND: { status: 404, title: "No such release" },
  FEED_UNKNOWN_FORMAT: { status: 404, title: "Unknown feed format" },
  FEED_ZONE_MOVING: { status: 503, title: "Releases landed faster than the feed could be rendered" },
  PUSH_FAILED: { status: 502, title: "The external primary refused an update" },
  PUSH_KEY_INVALID: { status: 422, title: "Invalid TSIG key for the external primary" },

  // accounts/ and the auth plugin: who is asking, and may they (issue 4, engineer A)
  AUTH_REQUIRED: { status: 401, title: "Authentication required" },
  // The precise token refusals are logged; clients are told AUTH_TOKEN_INVALID alone, so that a guessed or
  // stolen token teaches nothing about which tokens exist (auth-plugin.ts).
  AUTH_TOKEN_INVALID: { status: 401, title: "Invalid token" },
  AUTH_TOKEN_EXPIRED: { status: 401, title: "Token expired" },
  AUTH_TOKEN_REVOKED: { status: 401, title: "Token revoked" },
  AUTH_ACCOUNT_DISABLED: { status: 401, title: "Account disabled" },
  AUTH_SESSION_INVALID: { status: 401, title: "Session expired or unknown" },
  AUTH_LOGIN_FAILED: { status: 401, title: "Wrong email or password" },
  FORBIDDEN: { status: 403, title: "Not allowed for this role" },
  CSRF_INVALID: { status: 403, title: "Missing or wrong CSRF token" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  ORGANISATION_INVALID: { status: 422, title: "Invalid organisation" },
  ORGANISATION_DUPLICATE: { status: 409, title: "Organisation already exists" },
  ORGANISATION_NOT_FOUND: { status: 404, title: "No such organisation" },
  USER_INVALID: { status: 422, title: "Invalid user" },
  USER_DUPLICATE: { status: 409, title: "A user with this email exists" },
  USER_NOT_FOUND: { status: 404, title: "No such user" },
  USER_DISABLED: { status: 409, title: "User is disabled" },
  TOKEN_INVALID: { status: 422, title: "Invalid token request" },
  TOKEN_NOT_FOUND: { status: 404, title: "No such token" },

  // the workflow over HTTP: orders, documents, cancel window, acknowledgments, webhooks (issue 4, engineer B)
  ORDER_NOT_CONFIRMED: { status: 409, title: "Order awaits an authority's confirmation" },
  ORDER_ALREADY_CONFIRMED: { status: 409, title: "Order already confirmed" },
  DOCUMENT_DUPLICATE: { status: 409, title: "Order already has its document" },
  DOCUMENT_HASH_MISMATCH: { status: 422, title: "Document does not match the order's SHA-256" },
  DOCUMENT_INVALID: { status: 422, title: "Invalid document" },
  DOCUMENT_MEDIA_TYPE: { status: 415, title: "Document type not accepted" },
  DOCUMENT_NOT_FOUND: { status: 404, title: "No document for this order" },
  APPROVAL_PENDING: { status: 409, title: "An approval is waiting out its cancel window" },
  APPROVAL_NOT_FOUND: { status: 404, title: "No approval to cancel" },
  APPROVAL_WINDOW_CLOSED: { status: 409, title: "The cancel window has ended" },
  TARGET_NOT_AN_ENTRY: { status: 409, title: "Target was never published" },
  WEBHOOK_INVALID: { status: 422, title: "Invalid webhook" },
  WEBHOOK_LIMIT: { status: 409, title: "Too many webhooks for this organisation" },
  WEBHOOK_NOT_FOUND: { status: 404, title: "No such webhook" },

  // appeals, the de-listing lists and the stop page (issue 4, engineer C)
  APPEAL_NOT_FOUND: { status: 404, title: "No such appeal" },
  APPEAL_TARGET_NOT_IN_FORCE: { status: 409, title: "Only an entry in force can be appealed" },
  APPEAL_DECISION_INVALID: { status: 409, title: "Decision not possible in the appeal's state" },
  REQUEST_TOO_LARGE: { status: 413, title: "Request body too large" },
  REQUEST_MEDIA_TYPE: { status: 415, title: "Request body of a type this route does not take" },
  REQUEST_URI_TOO_LONG: { status: 414, title: "Request path too long" },

  // checks/: what the safeguards find (issue 5, engineer A); a finding's code, or a refusal of their data
  TARGET_HOSTING_PLATFORM: { status: 409, title: "Target reaches a hosting platform's independent sites" },
  TARGET_WILDCARD_BREADTH: { status: 409, title: "Target reaches a name and every name below it" },
  TARGET_ON_SHARED_PLATFORM: { status: 409, title: "Target is one user's site on a shared platform" },
  TARGET_PROTECTED_NAME: { status: 409, title: "Target reaches a protected name" },
  TARGET_SHARED_INFRASTRUCTURE: { status: 409, title: "Target inside a CDN's or cloud's shared range" },
  TARGET_MIRROR_NOT_ALLOWED: { status: 409, title: "Mirror under an order that does not extend to mirrors" },
  ORDER_NOT_IN_FORCE: { status: 409, title: "Order not yet in force" },
  TARGET_ACTIVE_UNDER_OTHER_ORDER: { status: 409, title: "Target already under another order" },
  TARGET_EXEMPTED: { status: 409, title: "Target listed as an exemption" },
  CHECKS_DATA_INVALID: { status: 422, title: "Invalid safeguard data file" },
  CHECKS_DATA_UNREADABLE: { status: 400, title: "Safeguard data file cannot be read" },

  // checks/ and the decisions they weigh: DNS snapshot, overrides, the two-person rule (issue 5, engineer B)
  TARGET_CNAME_INTO_CDN: { status: 409, title: "Target's name is an alias into a CDN or shared host" },
  TARGET_ADDRESS_SHARED: { status: 409, title: "Target's address answers for many names" },
  TARGET_ADDRESS_SHARED_BY_NAMES: { status: 409, title: "Many other sites resolved to the target's address" },
  TARGET_IP_WITHOUT_NAME: { status: 409, title: "No name of the order points at this address" },
  DNS_SNAPSHOT_SKIPPED: { status: 409, title: "No resolver configured for the DNS snapshot" },
  DNS_SNAPSHOT_FAILED: { status: 409, title: "The target's name could not be resolved" },
  TARGET_BLOCKED_BY_FINDING: { status: 409, title: "A finding blocks approval without a confirmed override" },
  APPROVAL_SAME_USER: { status: 409, title: "The second approval must come from another user" },
  OVERRIDE_CODE_UNKNOWN: { status: 422, title: "The target has no blocking finding with this code" },
  OVERRIDE_NOT_FOUND: { status: 404, title: "No such open override" },
  OVERRIDE_SAME_USER: { status: 409, title: "An override must be confirmed by another user" },
  OVERRIDE_ALREADY_CONFIRMED: { status: 409, title: "Override already confirmed" },

  // registry/log and `decree verify`: the public tamper-evident log (issue 6)
  LOG_RANGE_INVALID: { status: 400, title: "Log range or tree size not available" },
  LOG_LEAF_NOT_FOUND: { status: 404, title: "No leaf with this hash in the log" },
  LOG_CHECKPOINT_MISSING: { status: 404, title: "The log has no checkpoint yet" },
  LOG_COSIGNATURE_INVALID: { status: 422, title: "Cosignature not valid for a configured witness" },
  VERIFY_INPUT_INVALID: { status: 400, title: "Verification input cannot be read" },
  VERIFY_FAILED: { status: 409, title: "Verification failed: the log or feed does not check out" },

  // verify/: probes, resolvers and probe agents (issue 7)
  RESOLVER_INVALID: { status: 422, title: "Invalid resolver" },
  RESOLVER_DUPLICATE: { status: 409, title: "Resolver already registered" },
  PROBE_NO_RESOLVERS: { status: 409, title: "No resolvers registered to probe" },
  PROBE_REFERENCE_MISSING: { status: 422, title: "No reference resolver to compare with" },
  PROBE_AGENT_INVALID: { status: 422, title: "Invalid probe agent" },
  PROBE_AGENT_DUPLICATE: { status: 409, title: "Probe agent already registered" },
  PROBE_AGENT_UNKNOWN: { status: 404, title: "No probe agent for this token" },
  PROBE_AGENT_KEY_MISMATCH: { status: 409, title: "Agent key differs from the one pinned" },
  PROBE_BATCH_INVALID: { status: 422, title: "Invalid measurement batch" },
  PROBE_SIGNATURE_INVALID: { status: 422, title: "Measurement batch signature does not verify" },
  PROBE_REGISTRY_UNREACHABLE: { status: 502, title: "The probe agent could not work with the registry" },

  // verify/mirrors: mirror sites, their evidence and their scores (issue 8)
  MIRROR_NO_ORIGINAL: { status: 409, title: "The order has no blocked site to compare a mirror with" },
  MIRROR_RESOLVER_MISSING: { status: 409, title: "No resolver configured for mirror evidence" },
  MIRROR_CANDIDATE_NOT_FOUND: { status: 404, title: "No such mirror candidate" },
  MIRROR_WEAK_EVIDENCE: { status: 409, title: "The suspected mirror scores below the threshold" },

  // publish/: SOA serials, backups, operators' accounts and NOTIFY
  SERIAL_STATE_UNREADABLE: {
    status: 500,
    title: "The last served serial cannot be read",
    remedy:
      "Fix <data>/served-serial.json to the serial your secondaries hold, or delete it if none ever transferred.",
  },
  BACKUP_FAILED: {
    status: 500,
    title: "The backup could not be written",
    remedy:
      "Give a writable path outside the data folder, or, on PostgreSQL, use pg_dump as the command prints.",
  },
  RESTORE_INVALID: {
    status: 422,
    title: "The file is not a decree backup",
    remedy:
      "Give a file written by `decree backup`; on PostgreSQL restore with pg_restore as the command prints.",
  },
  RESTORE_WHILE_SERVING: {
    status: 409,
    title: "The data folder is being served",
    remedy: "Stop the `decree serve` that holds the data folder, then run the restore again.",
  },
  OPERATOR_KIND_INVALID: {
    status: 422,
    title: "Unknown enforcer kind",
    remedy: "Give one of isp, public-resolver, vpn or search-engine.",
  },
  OPERATOR_REMOVED: {
    status: 409,
    title: "Operator removed",
    remedy: "Register the operator again with `decree operators add` if it must enforce again.",
  },
  OPERATOR_NO_KEY: {
    status: 409,
    title: "Operator has no TSIG key",
    remedy: "Only an operator registered with a TSIG key can be re-keyed; it transfers by address.",
  },

  // wiring
  CONFIG_INVALID: { status: 400, title: "Invalid configuration" },
  STORE_UNAVAILABLE: { status: 503, title: "Store unavailable" },
  WEB_UI_NOT_BUILT: { status: 404, title: "Web UI not built" },
  NOT_FOUND: { status: 404, title: "Not found" },
  REQUEST_INVALID: { status: 400, title: "Invalid request" },
  INTERNAL: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: number; title: string; remedy?: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

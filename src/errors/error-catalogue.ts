/**
 * The one error catalogue (docs/ARCHITECTURE.md): every refusal decree gives has a stable code that tests and
 * scripts assert on, and the HTTP status it maps to. The message at the throw site says what was wrong in this
 * case; the title here is the short, stable summary (RFC 9457 `title`) and the remedy one sentence on how to fix
 * it. docs/errors.md is generated from this table by `npm run docs`.
 */
export const errorCatalogue = {
  // names/: what a person typed cannot be a target
  TARGET_EMPTY: {
    status: 422,
    title: "Empty target",
    remedy: "Give a host name, URL, IP address or prefix; blank lines and comments are skipped, not targets.",
  },
  TARGET_UNKNOWN_KIND: {
    status: 422,
    title: "Unknown target kind",
    remedy:
      "Use one of the kinds fqdn, domain, url, ip or cidr, or leave the kind out to let decree infer it.",
  },
  TARGET_KIND_MISMATCH: {
    status: 422,
    title: "Input does not fit the requested kind",
    remedy:
      "Drop the kind to let decree infer it, or give an input of that kind (a domain for --kind domain, an address for --kind ip).",
  },
  TARGET_INVALID_CHARACTER: {
    status: 422,
    title: "Character not allowed in a host name",
    remedy:
      "Remove the character: a host name holds letters, digits and hyphens (or Unicode letters of an IDN), separated by dots.",
  },
  TARGET_INVALID_LABEL: {
    status: 422,
    title: "Invalid label in a host name",
    remedy:
      "Make each label start and end with a letter or digit, and drop a hyphen in the third and fourth places unless it is a valid xn-- label.",
  },
  TARGET_EMPTY_LABEL: {
    status: 422,
    title: "Empty label in a host name",
    remedy: "Remove the doubled, leading or trailing dot that leaves a label empty.",
  },
  TARGET_LABEL_TOO_LONG: {
    status: 422,
    title: "Label longer than 63 octets",
    remedy: "Shorten the label to at most 63 octets (RFC 1035); check that the name was not pasted twice.",
  },
  TARGET_NAME_TOO_LONG: {
    status: 422,
    title: "Name longer than 253 octets",
    remedy:
      "Shorten the name to at most 253 octets (RFC 1035); block a parent domain instead if that is what the order means.",
  },
  TARGET_INVALID_IDN: {
    status: 422,
    title: "Invalid internationalized name",
    remedy:
      "Type the name as the site spells it, or give its xn-- A-label; the message says which UTS 46 rule failed.",
  },
  TARGET_SINGLE_LABEL: {
    status: 422,
    title: "Single-label name",
    remedy: "Give the full name with its top-level domain (example.org, not example).",
  },
  TARGET_PUBLIC_SUFFIX: {
    status: 422,
    title: "Public suffix",
    remedy:
      "Name the site under the suffix (site.github.io, not github.io): a public suffix holds many unrelated owners.",
  },
  TARGET_SPECIAL_USE_NAME: {
    status: 422,
    title: "Special-use domain name",
    remedy:
      "Remove the name: special-use names (RFC 6761: localhost, .local, .test, .invalid, .onion…) are never blocked.",
  },
  TARGET_INVALID_URL: {
    status: 422,
    title: "Invalid URL",
    remedy: "Give an absolute URL with scheme and host, such as https://example.org/path.",
  },
  TARGET_URL_SCHEME: {
    status: 422,
    title: "URL scheme not supported",
    remedy: "Use an http:// or https:// URL; other schemes cannot be de-listed.",
  },
  TARGET_URL_CREDENTIALS: {
    status: 422,
    title: "URL carries credentials",
    remedy: "Remove the user name and password (user:pw@) from the URL before submitting it.",
  },
  TARGET_INVALID_IP: {
    status: 422,
    title: "Invalid IP address or prefix",
    remedy:
      "Give an IPv4 address, an IPv6 address or a prefix in CIDR notation (203.0.113.0/24, 2001:db8::/48).",
  },
  TARGET_IPV4_LEADING_ZERO: {
    status: 422,
    title: "Ambiguous IPv4 address",
    remedy:
      "Write each octet in decimal without leading zeros (10.1.2.3, not 010.001.002.003), since zeros can mean octal.",
  },
  TARGET_PRIVATE_RANGE: {
    status: 422,
    title: "Private-use address range",
    remedy:
      "Remove the address: private-use ranges (RFC 1918, RFC 4193) are not reachable from the internet and cannot be blocked.",
  },
  TARGET_SPECIAL_RANGE: {
    status: 422,
    title: "Special-purpose address range",
    remedy:
      "Remove the address: special-purpose ranges (loopback, link-local, documentation, multicast…) are never blocked.",
  },
  TARGET_PREFIX_TOO_WIDE: {
    status: 422,
    title: "Prefix too wide",
    remedy:
      "Give a prefix of /24 or narrower for IPv4 and /48 or narrower for IPv6, or list the addresses themselves.",
  },
  TARGET_CIDR_HOST_BITS: {
    status: 422,
    title: "Prefix has host bits set",
    remedy:
      "Write the prefix with its host bits at zero (203.0.113.0/24, not 203.0.113.7/24), or give the single address.",
  },

  // intake/: orders and targets as submitted
  ORDER_INVALID: {
    status: 422,
    title: "Invalid order",
    remedy:
      "Fix the field the message names in the order file; data/demo/allostreaming-2013.yaml shows every field.",
  },
  ORDER_FILE_UNREADABLE: {
    status: 400,
    title: "Order file cannot be read",
    remedy: "Check the order file's path and permissions.",
  },
  ORDER_FILE_SYNTAX: {
    status: 400,
    title: "Order file is not valid YAML or JSON",
    remedy: "Fix the YAML or JSON syntax at the line the message gives.",
  },
  ORDER_DUPLICATE: {
    status: 409,
    title: "Order already recorded",
    remedy: "The order is recorded already: use its id (decree orders list) instead of adding it again.",
  },
  ORDER_NOT_FOUND: {
    status: 404,
    title: "No such order",
    remedy: "Check the order id with decree orders list or GET /orders.",
  },
  ORDER_EXPIRED: {
    status: 409,
    title: "Order no longer in force",
    remedy: "Targets can only be added or approved under an order in force: ask for a renewed or new order.",
  },
  ORDER_MEASURE_NOT_GRANTED: {
    status: 422,
    title: "Order does not grant this measure",
    remedy:
      "Submit only targets of a measure the order grants (dns-block, ip-block, delist), or record the order that grants it.",
  },
  IMPORT_FILE_UNREADABLE: {
    status: 400,
    title: "Import file cannot be read",
    remedy: "Check the import file's path and permissions.",
  },
  IMPORT_CSV_HEADER: {
    status: 400,
    title: "CSV header lacks a target column",
    remedy:
      "Name one column target (or fqdn, domain, url, ip, cidr) in the CSV header, or give one target per line without a header.",
  },
  TARGETS_REJECTED: {
    status: 422,
    title: "One or more targets were rejected",
    remedy:
      "Fix the listed lines (each with its number and code) and submit again, or pass --skip-invalid (skipInvalid) to store the rest.",
  },
  IMPORT_EMPTY: {
    status: 422,
    title: "Nothing to import",
    remedy: "Give at least one target: the file or request held only blank lines and comments.",
  },
  TARGET_DUPLICATE: {
    status: 409,
    title: "Target already on this order",
    remedy:
      "The target is on this order already: decide on the existing one (decree targets list --order ID).",
  },
  TARGET_VALIDITY_BEYOND_ORDER: {
    status: 422,
    title: "Target validity exceeds the order's",
    remedy: "Give an until date within the order's validity, or leave it out to use the order's end.",
  },

  // registry/: decisions on targets
  TARGET_NOT_FOUND: {
    status: 404,
    title: "No such target",
    remedy: "Check the target id or name with decree targets list or GET /targets.",
  },
  TARGET_AMBIGUOUS: {
    status: 409,
    title: "Name matches several targets",
    remedy:
      "Name the target by its id, or narrow it with --order, since the name is a target of several orders.",
  },
  TARGET_TRANSITION_INVALID: {
    status: 409,
    title: "Decision not possible in the target's state",
    remedy: "Check the target's state (decree targets list) and take a decision that state allows.",
  },
  REASON_REQUIRED: {
    status: 422,
    title: "A reason is required",
    remedy: "Give a reason (--reason TEXT, or reason in the body): every decision is recorded with why.",
  },
  RENEWAL_NOT_LATER: {
    status: 422,
    title: "A renewal must end later, in the future",
    remedy: "Give an --until date in the future and later than the entry's current end.",
  },

  // publish/: operators, the DNS primary, feeds
  OPERATOR_INVALID: {
    status: 422,
    title: "Invalid operator",
    remedy:
      "Fix the operator field the message names (its name, --notify IP:PORT, --allow ADDRESS or --action).",
  },
  OPERATOR_DUPLICATE: {
    status: 409,
    title: "Operator already registered",
    remedy: "The operator is registered already: see decree operators list, or pick another name.",
  },
  OPERATOR_NOT_FOUND: {
    status: 404,
    title: "No such operator",
    remedy: "Check the operator's name with decree operators list.",
  },
  RELEASE_NOT_FOUND: {
    status: 404,
    title: "No such release",
    remedy: "Acknowledge or ask for a serial that was published: GET /status gives the current one.",
  },
  FEED_UNKNOWN_FORMAT: {
    status: 404,
    title: "Unknown feed format",
    remedy: "Ask for one of the formats GET /feeds lists.",
  },
  FEED_ZONE_MOVING: {
    status: 503,
    title: "Releases landed faster than the feed could be rendered",
    remedy: "Retry the request: releases were landing faster than the feed could be rendered.",
  },
  PUSH_FAILED: {
    status: 502,
    title: "The external primary refused an update",
    remedy:
      "Check the external primary's log and that it allows signed updates of the zone with this key (update-policy or allow-update).",
  },
  PUSH_KEY_INVALID: {
    status: 422,
    title: "Invalid TSIG key for the external primary",
    remedy:
      "Give the key's name and its base64 secret (--key-name, --key-secret), or a BIND key clause with --key-file.",
  },
  // publish/resolver-config: the printed resolver configurations
  OPERATOR_CONFIG_PRIMARY_UNKNOWN: {
    status: 422,
    title: "No address a resolver can reach the DNS primary at",
    remedy:
      "Give the address resolvers reach the primary at with --primary HOST:PORT, or serve on a specific address.",
  },
  OPERATOR_CONFIG_STOP_PAGE_NAME: {
    status: 422,
    title: "No stop page name for a CNAME-only stop-page override",
    remedy: "Set the stop page's host name with --stop-page-name NAME or the stopPageName setting.",
  },

  // accounts/ and the auth plugin: who is asking, and may they
  AUTH_REQUIRED: {
    status: 401,
    title: "Authentication required",
    remedy: "Send Authorization: Bearer with an API token, or sign in at POST /auth/login.",
  },
  // The precise token refusals are logged; clients are told AUTH_TOKEN_INVALID alone, so that a guessed or
  // stolen token teaches nothing about which tokens exist (auth-plugin.ts).
  AUTH_TOKEN_INVALID: {
    status: 401,
    title: "Invalid token",
    remedy:
      "Send a valid, unexpired and unrevoked token; create a new one with decree tokens create or POST /tokens.",
  },
  AUTH_TOKEN_EXPIRED: {
    status: 401,
    title: "Token expired",
    remedy: "Create a new token with decree tokens create or POST /tokens.",
  },
  AUTH_TOKEN_REVOKED: {
    status: 401,
    title: "Token revoked",
    remedy: "Create a new token with decree tokens create or POST /tokens.",
  },
  AUTH_ACCOUNT_DISABLED: {
    status: 401,
    title: "Account disabled",
    remedy: "Ask an admin to use another account; a disabled user's tokens and sessions stay refused.",
  },
  AUTH_SESSION_INVALID: {
    status: 401,
    title: "Session expired or unknown",
    remedy: "Sign in again at POST /auth/login (or /login in the web UI).",
  },
  AUTH_LOGIN_FAILED: {
    status: 401,
    title: "Wrong email or password",
    remedy:
      "Check the email and password, or ask an admin to set a password (decree accounts add-user --password-stdin).",
  },
  FORBIDDEN: {
    status: 403,
    title: "Not allowed for this role",
    remedy: "Use an account whose role holds this permission (src/review/permissions.ts lists them).",
  },
  CSRF_INVALID: {
    status: 403,
    title: "Missing or wrong CSRF token",
    remedy:
      "Send the csrfToken the login returned (also in the decree_csrf cookie) as X-CSRF-Token on every change.",
  },
  RATE_LIMITED: {
    status: 429,
    title: "Too many requests",
    remedy: "Wait for the time the Retry-After header gives before trying again.",
  },
  ORGANISATION_INVALID: {
    status: 422,
    title: "Invalid organisation",
    remedy: "Give the organisation a name of 1 to 100 characters without control characters.",
  },
  ORGANISATION_DUPLICATE: {
    status: 409,
    title: "Organisation already exists",
    remedy: "The organisation exists already: use it (decree accounts list), or pick another name.",
  },
  ORGANISATION_NOT_FOUND: {
    status: 404,
    title: "No such organisation",
    remedy:
      "Check the organisation's name with decree accounts list, or create it with decree accounts add-org.",
  },
  USER_INVALID: {
    status: 422,
    title: "Invalid user",
    remedy:
      "Fix the user field the message names: an email address, one of the roles, a password of the length it gives.",
  },
  USER_DUPLICATE: {
    status: 409,
    title: "A user with this email exists",
    remedy: "A user with this email exists: use it (decree accounts list), or pick another email.",
  },
  USER_NOT_FOUND: {
    status: 404,
    title: "No such user",
    remedy: "Check the user's email or id with decree accounts list or GET /accounts/users.",
  },
  USER_DISABLED: {
    status: 409,
    title: "User is disabled",
    remedy: "The user is disabled: create another user, since a disabled user stays disabled.",
  },
  TOKEN_INVALID: {
    status: 422,
    title: "Invalid token request",
    remedy:
      "Give a label of at most 100 characters and an expiry in the future within 366 days (such as 30d or 2027-06-30).",
  },
  TOKEN_NOT_FOUND: {
    status: 404,
    title: "No such token",
    remedy: "Check the token's id with decree tokens list or GET /tokens.",
  },

  // the workflow over HTTP: orders, documents, cancel window, acknowledgments, webhooks
  ORDER_NOT_CONFIRMED: {
    status: 409,
    title: "Order awaits an authority's confirmation",
    remedy:
      "Ask an authority to confirm the order first (decree orders confirm ID, POST /orders/{id}/confirm).",
  },
  ORDER_ALREADY_CONFIRMED: {
    status: 409,
    title: "Order already confirmed",
    remedy: "Nothing to do: the order is confirmed already.",
  },
  DOCUMENT_DUPLICATE: {
    status: 409,
    title: "Order already has its document",
    remedy: "Nothing to do: the order's document is stored already, and it is stored once only.",
  },
  DOCUMENT_HASH_MISMATCH: {
    status: 422,
    title: "Document does not match the order's SHA-256",
    remedy:
      "Upload the very file whose SHA-256 the order declared, or correct document.sha256 before recording the order.",
  },
  DOCUMENT_INVALID: {
    status: 422,
    title: "Invalid document",
    remedy: "Send the file's own bytes as the body, not empty and within the size limit the message gives.",
  },
  DOCUMENT_MEDIA_TYPE: {
    status: 415,
    title: "Document type not accepted",
    remedy:
      "Send the document with one of the media types the message lists, such as application/pdf, as its Content-Type.",
  },
  DOCUMENT_NOT_FOUND: {
    status: 404,
    title: "No document for this order",
    remedy: "Upload the document first with POST /orders/{id}/document.",
  },
  APPROVAL_PENDING: {
    status: 409,
    title: "An approval is waiting out its cancel window",
    remedy:
      "Wait for the cancel window to end, or cancel the approval with POST /targets/{id}/cancel-approval.",
  },
  APPROVAL_NOT_FOUND: {
    status: 404,
    title: "No approval to cancel",
    remedy: "Nothing to cancel: the target has no approval waiting out its cancel window.",
  },
  APPROVAL_WINDOW_CLOSED: {
    status: 409,
    title: "The cancel window has ended",
    remedy: "The approval has taken effect: suspend or lift the entry instead.",
  },
  TARGET_NOT_AN_ENTRY: {
    status: 409,
    title: "Target was never published",
    remedy: "Only published entries can be reported on or renewed: approve the target first.",
  },
  WEBHOOK_INVALID: {
    status: 422,
    title: "Invalid webhook",
    remedy:
      "Give an https:// (or http://) URL without credentials or fragment whose host is public, or set webhookAllowPrivate for a test setup.",
  },
  WEBHOOK_LIMIT: {
    status: 409,
    title: "Too many webhooks for this organisation",
    remedy: "Delete a webhook you no longer use (DELETE /webhooks/{id}) before adding another.",
  },
  WEBHOOK_NOT_FOUND: {
    status: 404,
    title: "No such webhook",
    remedy: "Check the webhook's id with GET /webhooks.",
  },

  // appeals, the de-listing lists and the stop page
  APPEAL_NOT_FOUND: {
    status: 404,
    title: "No such appeal",
    remedy: "Check the appeal's link or id; GET /appeals lists them for the authority.",
  },
  APPEAL_TARGET_NOT_IN_FORCE: {
    status: 409,
    title: "Only an entry in force can be appealed",
    remedy: "Appeal against an entry that is approved or active; GET /public/entries?q=NAME shows its state.",
  },
  APPEAL_DECISION_INVALID: {
    status: 409,
    title: "Decision not possible in the appeal's state",
    remedy: "Check the appeal's state: a decided appeal cannot be decided again.",
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    title: "Request body too large",
    remedy: "Send a smaller body: at most 1 MiB, except on routes that say otherwise.",
  },
  REQUEST_MEDIA_TYPE: {
    status: 415,
    title: "Request body of a type this route does not take",
    remedy: "Send the body with the Content-Type the route takes, usually application/json.",
  },
  REQUEST_URI_TOO_LONG: {
    status: 414,
    title: "Request path too long",
    remedy: "Shorten the request path and query; ids are short numbers.",
  },

  // checks/: what the safeguards find; a finding's code, or a refusal of their data
  TARGET_HOSTING_PLATFORM: {
    status: 409,
    title: "Target reaches a hosting platform's independent sites",
    remedy:
      "Give the one site on the platform as an fqdn target, not the platform's domain and everything below it.",
  },
  TARGET_WILDCARD_BREADTH: {
    status: 409,
    title: "Target reaches a name and every name below it",
    remedy: "Check that the order reaches every name below this one; otherwise give fqdn targets.",
  },
  TARGET_ON_SHARED_PLATFORM: {
    status: 409,
    title: "Target is one user's site on a shared platform",
    remedy: "Check that the order names this user's site and not the platform.",
  },
  TARGET_PROTECTED_NAME: {
    status: 409,
    title: "Target reaches a protected name",
    remedy:
      "Remove the target, or have an admin override the finding with a reason if the order truly reaches it.",
  },
  TARGET_SHARED_INFRASTRUCTURE: {
    status: 409,
    title: "Target inside a CDN's or cloud's shared range",
    remedy:
      "Block the site's names instead of the address, or have an admin override the finding with evidence of exclusive use.",
  },
  TARGET_MIRROR_NOT_ALLOWED: {
    status: 409,
    title: "Mirror under an order that does not extend to mirrors",
    remedy: "Submit the mirror under an order that extends to mirrors, or get a new order naming it.",
  },
  ORDER_NOT_IN_FORCE: {
    status: 409,
    title: "Order not yet in force",
    remedy: "Wait until the order's validity begins before approving its targets.",
  },
  TARGET_ACTIVE_UNDER_OTHER_ORDER: {
    status: 409,
    title: "Target already under another order",
    remedy:
      "Nothing to fix: the name is blocked under another order already, as the finding's evidence shows.",
  },
  TARGET_EXEMPTED: {
    status: 409,
    title: "Target listed as an exemption",
    remedy: "Remove the target: it is listed in the exemptions, with the source the finding gives.",
  },
  CHECKS_DATA_INVALID: {
    status: 422,
    title: "Invalid safeguard data file",
    remedy: "Fix the data file at the field the message names; the shipped files in data/ show the format.",
  },
  CHECKS_DATA_UNREADABLE: {
    status: 400,
    title: "Safeguard data file cannot be read",
    remedy: "Check the data file's path and permissions.",
  },

  // checks/ and the decisions they weigh: DNS snapshot, overrides, the two-person rule
  TARGET_CNAME_INTO_CDN: {
    status: 409,
    title: "Target's name is an alias into a CDN or shared host",
    remedy:
      "Check the snapshot's evidence: block the site's own names, not the CDN's, or confirm with a second authority user.",
  },
  TARGET_ADDRESS_SHARED: {
    status: 409,
    title: "Target's address answers for many names",
    remedy:
      "Check the snapshot's evidence: prefer the names to the address, or confirm with a second authority user.",
  },
  TARGET_ADDRESS_SHARED_BY_NAMES: {
    status: 409,
    title: "Many other sites resolved to the target's address",
    remedy: "Check the other sites on the address in the evidence before a second authority user confirms.",
  },
  TARGET_IP_WITHOUT_NAME: {
    status: 409,
    title: "No name of the order points at this address",
    remedy: "Check that the address belongs to the order's sites: no name of the order resolved to it.",
  },
  DNS_SNAPSHOT_SKIPPED: {
    status: 409,
    title: "No resolver configured for the DNS snapshot",
    remedy: "Set checkResolver (DECREE_CHECK_RESOLVER) to a resolver's HOST:PORT so the DNS snapshot runs.",
  },
  DNS_SNAPSHOT_FAILED: {
    status: 409,
    title: "The target's name could not be resolved",
    remedy:
      "Check that the name resolves and that the checkResolver answers; the evidence has the resolver's error.",
  },
  TARGET_BLOCKED_BY_FINDING: {
    status: 409,
    title: "A finding blocks approval without a confirmed override",
    remedy: "Remove the target, or have an admin override each blocking finding and another user confirm it.",
  },
  APPROVAL_SAME_USER: {
    status: 409,
    title: "The second approval must come from another user",
    remedy: "Have a second authority user approve the target.",
  },
  OVERRIDE_CODE_UNKNOWN: {
    status: 422,
    title: "The target has no blocking finding with this code",
    remedy: "Give the code of one of the target's block findings (GET /targets/{id} lists them).",
  },
  OVERRIDE_NOT_FOUND: {
    status: 404,
    title: "No such open override",
    remedy: "Check the override's id on the target's page; a confirmed override is no longer open.",
  },
  OVERRIDE_SAME_USER: {
    status: 409,
    title: "An override must be confirmed by another user",
    remedy: "Have another admin or authority user confirm the override.",
  },
  OVERRIDE_ALREADY_CONFIRMED: {
    status: 409,
    title: "Override already confirmed",
    remedy: "Nothing to do: the override is confirmed already.",
  },

  // registry/log and `decree verify`: the public tamper-evident log
  LOG_RANGE_INVALID: {
    status: 400,
    title: "Log range or tree size not available",
    remedy: "Ask for indexes and tree sizes within the latest checkpoint's size (GET /log/checkpoint).",
  },
  LOG_LEAF_NOT_FOUND: {
    status: 404,
    title: "No leaf with this hash in the log",
    remedy: "Check the leaf hash, and that its event was sequenced into a checkpoint already.",
  },
  LOG_CHECKPOINT_MISSING: {
    status: 404,
    title: "The log has no checkpoint yet",
    remedy: "Wait for the first release: the log signs its first checkpoint then.",
  },
  LOG_COSIGNATURE_INVALID: {
    status: 422,
    title: "Cosignature not valid for a configured witness",
    remedy:
      "Sign the checkpoint line with a witness key listed in logWitnesses, for a size the log has published.",
  },
  VERIFY_INPUT_INVALID: {
    status: 400,
    title: "Verification input cannot be read",
    remedy: "Check the URL, file or key the message names: it could not be fetched or read.",
  },
  VERIFY_FAILED: {
    status: 409,
    title: "Verification failed: the log or feed does not check out",
    remedy:
      "Keep the evidence printed and written to the state folder, and raise it with the registry's operator.",
  },

  // verify/: probes, resolvers and probe agents
  RESOLVER_INVALID: {
    status: 422,
    title: "Invalid resolver",
    remedy: "Give the resolver as HOST:PORT, with --tcp, --tls or --https URL for other transports.",
  },
  RESOLVER_DUPLICATE: {
    status: 409,
    title: "Resolver already registered",
    remedy: "The resolver is registered already for this operator.",
  },
  PROBE_NO_RESOLVERS: {
    status: 409,
    title: "No resolvers registered to probe",
    remedy: "Register the operator's resolvers with decree operators resolver add before probing.",
  },
  PROBE_AGENT_INVALID: {
    status: 422,
    title: "Invalid probe agent",
    remedy: "Fix the agent field the message names (its name, operator or user).",
  },
  PROBE_AGENT_DUPLICATE: {
    status: 409,
    title: "Probe agent already registered",
    remedy: "Pick another name for the agent: decree probe agent list shows those taken.",
  },
  PROBE_AGENT_UNKNOWN: {
    status: 404,
    title: "No probe agent for this token",
    remedy: "Use the token decree probe agent add printed for this agent.",
  },
  PROBE_AGENT_KEY_MISMATCH: {
    status: 409,
    title: "Agent key differs from the one pinned",
    remedy: "Run the agent with the key it first used (--key), or register a new agent for the new key.",
  },
  PROBE_BATCH_INVALID: {
    status: 422,
    title: "Invalid measurement batch",
    remedy:
      "Send the batch as decree probe builds it: signed JSON with the work's questions and raw answers.",
  },
  PROBE_SIGNATURE_INVALID: {
    status: 422,
    title: "Measurement batch signature does not verify",
    remedy: "Sign the batch's exact bytes with the agent's own Ed25519 key.",
  },
  PROBE_REGISTRY_UNREACHABLE: {
    status: 502,
    title: "The probe agent could not work with the registry",
    remedy:
      "Check --registry URL and the agent's token, and that the registry answers from the agent's network.",
  },

  // verify/mirrors: mirror sites, their evidence and their scores
  MIRROR_NO_ORIGINAL: {
    status: 409,
    title: "The order has no blocked site to compare a mirror with",
    remedy: "Mirrors are compared with a blocked site: approve at least one of the order's names first.",
  },
  MIRROR_RESOLVER_MISSING: {
    status: 409,
    title: "No resolver configured for mirror evidence",
    remedy: "Set mirrorResolver or checkResolver, or pass --resolver HOST:PORT.",
  },
  MIRROR_CANDIDATE_NOT_FOUND: {
    status: 404,
    title: "No such mirror candidate",
    remedy: "Check the candidate's id with GET /orders/{id}/mirrors.",
  },
  MIRROR_WEAK_EVIDENCE: {
    status: 409,
    title: "The suspected mirror scores below the threshold",
    remedy: "Nothing to fix: the suspected mirror is queued for the authority with its evidence.",
  },

  // observability: GET /metrics
  METRICS_NOT_ENABLED: {
    status: 404,
    title: "Metrics are not served on this address",
    remedy:
      "Set metricsToken to serve GET /metrics here to a scraper that sends it, or metrics (HOST:PORT) for a listener of its own.",
  },
  METRICS_TOKEN_INVALID: {
    status: 401,
    title: "Metrics need the scrape token",
    remedy: "Send Authorization: Bearer <metricsToken>, the token the service was configured with.",
  },

  // start-up: the data folder, the database and the listening addresses, each with the fix
  DATA_DIR_UNUSABLE: {
    status: 503,
    title: "The data folder cannot hold the registry",
    remedy:
      "Make the folder readable and writable by decree's user, or choose another with --data or DECREE_DATA.",
  },
  STORE_UNREACHABLE: {
    status: 503,
    title: "PostgreSQL cannot be reached",
    remedy: "Fix the host and port in --database-url or DATABASE_URL, or start the PostgreSQL server.",
  },
  STORE_LOGIN_REFUSED: {
    status: 503,
    title: "PostgreSQL refused the login",
    remedy: "Fix the user and password in --database-url or DATABASE_URL.",
  },
  STORE_DATABASE_MISSING: {
    status: 503,
    title: "The PostgreSQL database does not exist",
    remedy: "Create the database (createdb NAME) or fix its name in --database-url or DATABASE_URL.",
  },
  SERVE_PORT_IN_USE: {
    status: 503,
    title: "A listening address is already in use",
    remedy:
      "Stop the other program or choose another address with --http, --dns or --stop (or DECREE_HTTP, …).",
  },
  SERVE_ADDRESS_UNUSABLE: {
    status: 503,
    title: "A listening address cannot be used",
    remedy: "Choose an address of this machine, and a port above 1023 unless decree may bind low ports.",
  },

  // accounts/ and cli/: who a shell command acts as; strict numbers in routes and flags
  CLI_IDENTITY_REQUIRED: {
    status: 401,
    title: "The command acts as an account and none was named",
    remedy:
      "Add --as EMAIL with --password-stdin, or --token (DECREE_TOKEN), or have an admin map your OS user.",
  },
  CLI_IDENTITY_UNPROVEN: {
    status: 401,
    title: "The account the command acts as was not proven",
    remedy:
      "Give that account's password (--password-stdin or the prompt), its token, or use your OS user's mapping.",
  },
  OS_USER_INVALID: {
    status: 422,
    title: "Not an operating-system user name",
    remedy: "Write the user name as `id -un` prints it.",
  },
  OS_USER_NOT_MAPPED: {
    status: 404,
    title: "The OS user is mapped to no account",
    remedy: "List the mappings with `decree accounts os-users`.",
  },
  NUMBER_INVALID: {
    status: 400,
    title: "Not a canonical decimal integer in range",
    remedy: "Write the number in plain decimal digits, without sign, leading zeros, exponent or hex prefix.",
  },

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
  CONFIG_INVALID: {
    status: 400,
    title: "Invalid configuration",
    remedy:
      "Fix the setting the message names in the flag, environment variable or config file (docs/configuration.md).",
  },
  STORE_UNAVAILABLE: {
    status: 503,
    title: "Store unavailable",
    remedy: "Check that the data folder is writable or that DATABASE_URL reaches a running PostgreSQL.",
  },
  WEB_UI_NOT_BUILT: {
    status: 404,
    title: "Web UI not built",
    remedy: "Run npm run build:web, then restart decree serve.",
  },
  NOT_FOUND: { status: 404, title: "Not found", remedy: "Check the path against GET /openapi.json." },
  REQUEST_INVALID: {
    status: 400,
    title: "Invalid request",
    remedy: "Fix the field the message names; GET /openapi.json gives every route's schema.",
  },
  INTERNAL: {
    status: 500,
    title: "Internal error",
    remedy:
      "Retry; if it persists, send the operator the time of the request so they can find it in the log.",
  },
  // checks/: a finding that records evidence rather than refusing anything
  DNS_SNAPSHOT: {
    status: 200,
    title: "DNS snapshot taken",
    remedy:
      "Nothing to fix: the finding keeps what the name resolved to when it was proposed, for the reviewer to weigh.",
  },
  MIRROR_EVIDENCE: {
    status: 200,
    title: "Evidence that a name is a mirror",
    remedy:
      "Nothing to fix: the finding keeps the comparison with the original site that queued the name, for the reviewer.",
  },
  // blocking windows: an order's entries served only during given intervals (live events)
  WINDOW_INVERTED: {
    status: 422,
    title: "Window ends before it starts",
    remedy: "Give a window whose end is after its start (--from before --to), margins included.",
  },
  WINDOW_OVERLAP: {
    status: 422,
    title: "Windows overlap",
    remedy:
      "Merge the overlapping windows into one, or move one; `decree orders windows list ORDER` shows those already stored.",
  },
  WINDOW_OUTSIDE_VALIDITY: {
    status: 422,
    title: "Window outside the order's validity",
    remedy:
      "Keep every window, margins included, between the start and the end of the order's (or the target's) validity.",
  },
  WINDOW_NOT_FOUND: {
    status: 404,
    title: "No such window",
    remedy: "Check the window id against `decree orders windows list ORDER` (or GET /orders/ID/windows).",
  },
  WINDOW_MARGIN_INVALID: {
    status: 422,
    title: "Invalid window margin",
    remedy: "Write a margin as minutes, hours or seconds (15m, 2h, 90s) or an ISO 8601 duration (PT15M).",
  },
  ICAL_INVALID: {
    status: 422,
    title: "Malformed iCalendar file",
    remedy:
      "Export the calendar again as an iCalendar (.ics) file (RFC 5545) whose events have a start in UTC or with a time zone.",
  },
  BGP_NEXT_HOP_INVALID: {
    status: 400,
    title: "Invalid BGP next hop",
    remedy:
      "Set bgpNextHopIpv4 to an IPv4 address and bgpNextHopIpv6 to an IPv6 address, the ones your routers discard (docs/operators/bgp.md).",
  },
  BGP_ROUTE_NOT_APPROVED: {
    status: 500,
    title: "Route not approved",
    remedy:
      "Those routes were left out, the others announced; check the entries the message names with `decree targets list` and report the state of the store.",
  },
  BGP_RELOAD_FAILED: {
    status: 502,
    title: "BGP daemon reload failed",
    remedy:
      "Check that BIRD runs and that bgpReloadCommand (or birdc -s bgpBirdSocket) reaches it; the routes file is kept and the next release tries again.",
  },
  BGP_SETTINGS_INVALID: {
    status: 400,
    title: "Invalid BGP settings",
    remedy: "Fix the AS number, router id or address the message names (docs/operators/bgp.md).",
  },

  // checks/: what an address serves (operator, co-hosting, public resolvers) and the data behind it
  TARGET_PUBLIC_RESOLVER: {
    status: 409,
    title: "Target is a public DNS resolver",
    remedy:
      "Remove the target: blocking a public resolver's address or name cuts name resolution for all its users.",
  },
  TARGET_ASN_SHARED: {
    status: 409,
    title: "Target is announced by a CDN, a cloud or a public resolver",
    remedy:
      "Block the site's names instead of the address, or have an admin override the finding with evidence of exclusive use.",
  },
  TARGET_ASN_HOSTING: {
    status: 409,
    title: "Target is announced by a hosting company",
    remedy:
      "Check that the address is the site's own server, not shared hosting, before a second authority user confirms.",
  },
  TARGET_ASN: {
    status: 409,
    title: "Who operates the target's address",
    remedy: "Nothing to fix: the finding names the autonomous system and organisation, for the reviewer.",
  },
  TARGET_CO_HOSTED: {
    status: 409,
    title: "Target's address serves many sites",
    remedy:
      "Block the site's names instead, or record a statement of exclusive use (decree targets exclusive-use) with its evidence.",
  },
  TARGET_CO_HOSTING_CLEAN: {
    status: 409,
    title: "Target's address serves no unrelated site",
    remedy: "Nothing to fix: passive DNS and the snapshots show no unrelated site behind the address.",
  },
  TARGET_CO_HOSTING_UNKNOWN: {
    status: 409,
    title: "Nothing known of the sites the target's address serves",
    remedy:
      "Load passive-DNS observations (decree data load-passive-dns FILE), or record a statement of exclusive use.",
  },
  ASN_DATA_INVALID: {
    status: 422,
    title: "IP-to-ASN tables cannot be read",
    remedy:
      "Point asnDataFolder at a folder holding asn-ipv4-num.csv and asn-ipv6-num.csv of an @ip-location-db/asn release.",
  },
  PASSIVE_DNS_FORMAT_INVALID: {
    status: 422,
    title: "Passive-DNS file of the wrong format",
    remedy:
      'Give Rapid7 FDNS JSON lines ({"name","type","value"}) or a CSV of name,address; fix the line the message names.',
  },
  EXCLUSIVE_USE_NOT_SHOWN: {
    status: 409,
    title: "Exclusive use of the address is not shown",
    remedy:
      "Record a statement of exclusive use with its document (decree targets exclusive-use, POST /targets/{id}/exclusive-use), or load passive DNS showing no unrelated site.",
  },
  EXCLUSIVE_USE_INVALID: {
    status: 422,
    title: "Invalid statement of exclusive use",
    remedy:
      "Give an IP or CIDR target of the order, a statement, and the document's SHA-256 (64 hex digits) or the document itself.",
  },
  ORDER_EDE_INVALID: {
    status: 422,
    title: "Unknown Extended DNS Error for an order",
    remedy: "Give ede: 15 (blocked), 16 (censored, the default) or 17 (filtered), by number or by name.",
  },
  ROLLOUT_CANARY_BUSY: {
    status: 409,
    title: "The operator holds a staged release",
    remedy:
      "Promote or withdraw the staged release first (decree releases proceed|withdraw SERIAL --reason), then take the operator off the canaries.",
  },
  ROLLOUT_NOT_STAGED: {
    status: 409,
    title: "No staged release with that serial",
    remedy:
      "Give the serial of the staged release (decree releases rollout shows it); a release already promoted, withdrawn or never staged has nothing to decide.",
  },
  SELECTION_CHANGED: {
    status: 409,
    title: "The targets matching the filter changed",
    remedy:
      "Load the review queue again with the same filter and decide on the count it shows now, or name the targets by id.",
  },
} as const satisfies Record<string, { status: number; title: string; remedy: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

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

  // publish/: operators, the DNS primary, feeds
  OPERATOR_INVALID: { status: 422, title: "Invalid operator" },
  OPERATOR_DUPLICATE: { status: 409, title: "Operator already registered" },
  OPERATOR_NOT_FOUND: { status: 404, title: "No such operator" },
  RELEASE_NOT_FOUND: { status: 404, title: "No such release" },
  FEED_UNKNOWN_FORMAT: { status: 404, title: "Unknown feed format" },
  FEED_ZONE_MOVING: { status: 503, title: "Releases landed faster than the feed could be rendered" },
  PUSH_FAILED: { status: 502, title: "The external primary refused an update" },
  PUSH_KEY_INVALID: { status: 422, title: "Invalid TSIG key for the external primary" },

  // wiring
  CONFIG_INVALID: { status: 400, title: "Invalid configuration" },
  STORE_UNAVAILABLE: { status: 503, title: "Store unavailable" },
  NOT_FOUND: { status: 404, title: "Not found" },
  REQUEST_INVALID: { status: 400, title: "Invalid request" },
  INTERNAL: { status: 500, title: "Internal error" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

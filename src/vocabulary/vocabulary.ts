/**
 * decree's words (docs/ARCHITECTURE.md, "Words"): every closed set of values the store keeps, the stages decide
 * on and the UI shows, once. Each is a list (for runtime checks: `z.enum(list)`, a guard below) and the union of
 * its members (for the compiler), so that a state, a kind or a role is never a plain string nor cast into one.
 *
 * This file imports nothing and holds no logic beyond membership, because it is shared as it is with the web UI:
 * `npm run docs` copies it to web/src/vocabulary.ts (the UI may not import src/), and a test fails when the copy
 * is stale. Finding codes are codes of the error catalogue; checks/finding.ts makes the compiler hold them to it.
 */

/** Whether `value` is one of `list`: the one guard every set below shares. */
export function isOneOf<const T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

// Orders

/** Who decided: a court, or an authority with the power to order blocking (ARCOM, AGCOM). */
export const orderKinds = ["court-decision", "authority-decision"] as const;
export type OrderKind = (typeof orderKinds)[number];

/** Where an order is in time: before its validity, within it, after it. Derived from dates, never stored. */
export const orderStates = ["pending", "in-force", "expired"] as const;
export type OrderState = (typeof orderStates)[number];

/** What an order requires: block names in DNS, block addresses, de-list from search engines. */
export const measures = ["dns-block", "ip-block", "delist"] as const;
export type Measure = (typeof measures)[number];

/** Who an order addresses: operators enforce (DNS, IP), search engines de-list. */
export const addresseeRoles = ["operator", "search-engine"] as const;
export type AddresseeRole = (typeof addresseeRoles)[number];

/**
 * Enforcer kinds: an order may address every operator of a kind (public resolvers and VPNs, as French orders
 * have since 2021) rather than name each one.
 */
export const enforcerKinds = ["isp", "public-resolver", "vpn", "search-engine"] as const;
export type EnforcerKind = (typeof enforcerKinds)[number];

/** How a resolver answers for a blocked name (draft-ietf-dnsop-dns-rpz §4): NXDOMAIN, NODATA or a stop page. */
export const dnsActions = ["nxdomain", "nodata", "stop-page"] as const;
export type DnsAction = (typeof dnsActions)[number];

// Targets and entries

/**
 * What a target reaches: `fqdn` exactly one name, `domain` a name and every name below it, `url` one page (for
 * search de-listing), `ip` one address, `cidr` one prefix.
 */
export const targetKinds = ["fqdn", "domain", "url", "ip", "cidr"] as const;
export type TargetKind = (typeof targetKinds)[number];

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

/** States of an entry: a target the registry has approved. */
export const entryStates = [
  "approved",
  "active",
  "suspended",
  "lifted",
  "expired",
] as const satisfies readonly TargetState[];
export type EntryState = (typeof entryStates)[number];

/** How a target came to its order: listed in it, found as a mirror, added by an amendment. */
export const targetOrigins = ["order", "mirror", "amendment"] as const;
export type TargetOrigin = (typeof targetOrigins)[number];

/**
 * A blocking window: an order's (or a target's) entries are served only while one of its windows is open.
 * Scheduled, open and closed are moved by the clock; withdrawn by a person.
 */
export const windowStates = ["scheduled", "open", "closed", "withdrawn"] as const;
export type WindowState = (typeof windowStates)[number];

/** Where a window came from: typed as an interval, or an event of an iCalendar file (RFC 5545). */
export const windowSources = ["explicit", "icalendar"] as const;
export type WindowSource = (typeof windowSources)[number];

/** What a reviewer decides about a target or an entry. */
export const decisions = ["approve", "reject", "suspend", "lift"] as const;
export type Decision = (typeof decisions)[number];

/** An approval waiting out the cancel window, then applied, cancelled or superseded. */
export const scheduledApprovalStates = ["pending", "applied", "cancelled", "superseded"] as const;
export type ScheduledApprovalState = (typeof scheduledApprovalStates)[number];

// Findings

/**
 * How much a finding weighs: `block` stops approval unless overridden with a reason and a second person's
 * confirmation; `review` needs two different authority users; `info` is shown to the reviewer.
 */
export const severities = ["block", "review", "info"] as const;
export type Severity = (typeof severities)[number];

/** The safeguard checks, in the order they run (checks/index.ts), then the mirror evidence verify/ adds. */
export const checkNames = [
  "order-scope",
  "public-suffix-scope",
  "protected-names",
  "public-resolvers",
  "shared-infrastructure",
  "address-operator",
  "duplicates-conflicts",
  "co-hosting",
  "dns-snapshot",
  "mirror-evidence",
] as const;
export type CheckName = (typeof checkNames)[number];

/** The codes findings carry; each is a code of the error catalogue (docs/errors.md). */
export const findingCodes = [
  "ORDER_EXPIRED",
  "ORDER_MEASURE_NOT_GRANTED",
  "ORDER_NOT_CONFIRMED",
  "ORDER_NOT_IN_FORCE",
  "DNS_SNAPSHOT",
  "DNS_SNAPSHOT_FAILED",
  "DNS_SNAPSHOT_SKIPPED",
  "MIRROR_EVIDENCE",
  "MIRROR_WEAK_EVIDENCE",
  "TARGET_ACTIVE_UNDER_OTHER_ORDER",
  "TARGET_ADDRESS_SHARED",
  "TARGET_ADDRESS_SHARED_BY_NAMES",
  "TARGET_ASN",
  "TARGET_ASN_HOSTING",
  "TARGET_ASN_SHARED",
  "TARGET_CNAME_INTO_CDN",
  "TARGET_CO_HOSTED",
  "TARGET_CO_HOSTING_CLEAN",
  "TARGET_CO_HOSTING_UNKNOWN",
  "TARGET_EXEMPTED",
  "TARGET_HOSTING_PLATFORM",
  "TARGET_IP_WITHOUT_NAME",
  "TARGET_MIRROR_NOT_ALLOWED",
  "TARGET_ON_SHARED_PLATFORM",
  "TARGET_PROTECTED_NAME",
  "TARGET_PUBLIC_RESOLVER",
  "TARGET_PUBLIC_SUFFIX",
  "TARGET_SHARED_INFRASTRUCTURE",
  "TARGET_VALIDITY_BEYOND_ORDER",
  "TARGET_WILDCARD_BREADTH",
] as const;
export type FindingCode = (typeof findingCodes)[number];

// The checks' data

/**
 * What `decree data update` loads into checks_data: the lists the safeguards weigh (data/*.json), and the
 * IP-to-ASN tables (`ip-to-asn`, two CSV files of an @ip-location-db/asn release).
 */
export const checkDataKinds = [
  "shared-infrastructure",
  "protected-names",
  "asn-classes",
  "public-resolvers",
] as const;
export type CheckDataKind = (typeof checkDataKinds)[number];

export const storedCheckDataKinds = [...checkDataKinds, "ip-to-asn"] as const;
export type StoredCheckDataKind = (typeof storedCheckDataKinds)[number];

/** What an autonomous system is (data/asn-classes.json): an address it announces may serve many sites. */
export const asnClasses = ["cdn", "cloud", "hosting", "public-dns", "access"] as const;
export type AsnClass = (typeof asnClasses)[number];

/** The passive-DNS files `decree data load-passive-dns` reads: Rapid7 FDNS JSON lines, or a CSV of name,address. */
export const passiveDnsFormats = ["fdns-json", "csv"] as const;
export type PassiveDnsFormat = (typeof passiveDnsFormats)[number];

// Appeals

export const appealStates = ["open", "suspended", "upheld", "lifted"] as const;
export type AppealState = (typeof appealStates)[number];

export const appealDecisions = ["suspend", "uphold", "lift"] as const;
export type AppealDecision = (typeof appealDecisions)[number];

/**
 * What an appeal's decision acts on: the appealed entry alone, or with it the order's other entries for the
 * same site (registrable domain), such as `www.allostreaming.net` beside `allostreaming.net`.
 */
export const appealScopes = ["entry", "site"] as const;
export type AppealScope = (typeof appealScopes)[number];

// Accounts

/**
 * Who acts in decree (docs/api.md, "Roles"), one role per user: authority (records orders, reviews targets,
 * decides appeals), applicant (a rights holder, for its own orders), operator (reads its feeds, acknowledges),
 * search-engine (de-listing feeds), auditor (reads everything), admin (accounts and keys).
 */
export const roles = ["authority", "applicant", "operator", "search-engine", "auditor", "admin"] as const;
export type Role = (typeof roles)[number];

// Verification

/** What an operator may report about a target it was asked to block. */
export const reportKinds = ["already-blocked", "cannot-apply", "believed-wrong"] as const;
export type ReportKind = (typeof reportKinds)[number];

/** What a probe expects of a name: blocked (an entry), resolving again (lifted), untouched (a control). */
export const expectations = ["blocked", "lifted", "control"] as const;
export type Expectation = (typeof expectations)[number];

/** What a probe concluded from an operator's answer against the reference. */
export const verdicts = ["enforced", "not-enforced", "over-blocked", "error"] as const;
export type Verdict = (typeof verdicts)[number];

/** How a probe reaches a resolver: DNS over UDP, TCP, TLS (RFC 7858) or HTTPS (RFC 8484). */
export const transports = ["udp", "tcp", "tls", "https"] as const;
export type Transport = (typeof transports)[number];

/**
 * How a probe run came about: a scheduled sweep, a follow-up after a release, a signed batch from an agent, or
 * the control names a staged rollout asked at the canaries (verify/rollout/check-rollout.ts).
 */
export const probeRunKinds = ["sweep", "release", "agent", "rollout"] as const;
export type ProbeRunKind = (typeof probeRunKinds)[number];

/** Whether a site compared with a blocked original copies it. */
export const mirrorVerdicts = ["mirror", "not-mirror"] as const;
export type MirrorVerdict = (typeof mirrorVerdicts)[number];

/** Where a mirror candidate came from: decree's own discovery, or an applicant's request. */
export const mirrorSources = ["discovery", "applicant"] as const;
export type MirrorSource = (typeof mirrorSources)[number];

/** A mirror candidate: queued as a target for review, below the score threshold, or skipped (already a target). */
export const mirrorCandidateStates = ["queued", "below-threshold", "skipped"] as const;
export type MirrorCandidateState = (typeof mirrorCandidateStates)[number];

/** A mirror discovery run. */
export const mirrorRunStates = ["running", "done", "failed"] as const;
export type MirrorRunState = (typeof mirrorRunStates)[number];

// Publication

/** A webhook delivery: pending (to be tried, again), delivered, or failed (given up). */
export const deliveryStatuses = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

// Events

/** What an event is about: the `subject_type` of the events table. */
export const subjectTypes = [
  "api-token",
  "appeal",
  "cli",
  "operator",
  "order",
  "organisation",
  "release",
  "target",
  "user",
  "webhook",
] as const;
export type SubjectType = (typeof subjectTypes)[number];

/**
 * Every action an event records, `thing.verb`: the `action` of the events table. The thing is not always the
 * subject: a session or an OS-user mapping is an event of its user, a resolver one of its operator.
 */
export const eventActions = [
  "appeal.decided",
  "appeal.filed",
  "appeal.lifted",
  "appeal.suspended",
  "appeal.upheld",
  "cli.command",
  "operator.added",
  "operator.rekeyed",
  "operator.removed",
  "operator.updated",
  "order.confirmed",
  "order.deadline-missed",
  "order.document-attached",
  "order.recorded",
  "order.window-added",
  "order.window-closed",
  "order.window-opened",
  "order.window-withdrawn",
  "organisation.created",
  "os-user.mapped",
  "os-user.unmapped",
  "probe-agent.added",
  "release.ack-contradicted",
  "release.acknowledged",
  "release.halted",
  "release.promoted",
  "release.published",
  "release.staged",
  "release.staging-set",
  "release.withdrawn",
  "resolver.added",
  "session.closed",
  "session.opened",
  "target.activated",
  "target.approval-cancelled",
  "target.approval-pending",
  "target.approval-scheduled",
  "target.approval-superseded",
  "target.approved",
  "target.exclusive-use-recorded",
  "target.expired",
  "target.lifted",
  "target.override-confirmed",
  "target.override-requested",
  "target.proposed",
  "target.reinstated",
  "target.rejected",
  "target.renewed",
  "target.reported",
  "target.suspended",
  "token.issued",
  "token.revoked",
  "user.created",
  "user.disabled",
  "user.signed-in",
  "webhook.disabled",
  "webhook.registered",
] as const;
export type EventAction = (typeof eventActions)[number];

/** The events of an order's blocking windows: added and withdrawn by a person, opened and closed by the clock. */
export const windowEventActions = [
  "order.window-added",
  "order.window-closed",
  "order.window-opened",
  "order.window-withdrawn",
] as const satisfies readonly EventAction[];

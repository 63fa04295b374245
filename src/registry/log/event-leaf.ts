import { createHash, createHmac } from "node:crypto";
import canonicalizeModule from "canonicalize";
import type { SubjectFacts } from "./event-disclosure.ts";

// The package is CommonJS (`module.exports = serialize`) while its types declare an ES default export; under
// NodeNext the import is the function itself at run time.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** The subjects whose events are the registry's public history; accounts, tokens and webhooks are not. */
export const loggedSubjects = ["order", "target", "appeal", "release"] as const;

/** An event as the log reads it: the row, and the target's or order's fixed facts that give it meaning. */
export interface LoggedEvent {
  id: number;
  at: string;
  actor: string;
  subjectType: string;
  subjectId: number;
  action: string;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  /** The event's data, JSON text. */
  data: string;
  /** For a target's events: what it is and under which order; these never change once written. */
  target?: { kind: string; value: string; orderId: number } | undefined;
  /** For an order's events: the measures it orders, so that a verifier knows what its targets do. */
  order?: { measures: string[] } | undefined;
  /** Whether the subject is public now (event-disclosure.ts): not part of the leaf. */
  subject?: SubjectFacts | undefined;
}

/** Stands in for an actor that could name a person (an e-mail, a shell user): stable, and not reversible. */
export type Pseudonymiser = (actor: string) => string;

/** Actors that name a role, a system job or an account number, never a person: they are kept as they are. */
const impersonalActor = /^(user:\d+|public:[a-z-]+|system:[a-z-]+|demo|cli|test(:[a-z-]+)?)$/;

/** Keys of event data that hold personal data: left out of the leaf. */
const personalKeys = new Set(["contact", "contactEmail", "email", "emails"]);

/** The pseudonymiser keyed by a secret of the registry's: HMAC-SHA-256, so guessing e-mails gets nowhere. */
export function keyedPseudonymiser(secret: Uint8Array): Pseudonymiser {
  const cache = new Map<string, string>();
  return (actor) => {
    if (impersonalActor.test(actor)) return actor;
    let pseudonym = cache.get(actor);
    if (!pseudonym) {
      pseudonym = `pseudonym:${createHmac("sha256", secret).update(actor).digest("hex").slice(0, 16)}`;
      cache.set(actor, pseudonym);
    }
    return pseudonym;
  };
}

/**
 * The leaf data of an event: canonical JSON (RFC 8785), so that anyone can re-serialise a leaf they parsed
 * and get the same bytes, hence the same hash. What could identify a person is left out: the appellant's
 * contact never reaches an event, e-mail-like actors become pseudonyms, and an appellant's own words (which
 * may name them) are replaced by their SHA-256, which still pins them.
 *
 * The outer object's shape is fixed, so it is written with its members already in RFC 8785 order (keys
 * sorted by code unit; strings and integers as JSON.stringify writes them, §3.2.2); only the free-form `data`
 * goes through the canonicaliser. A million leaves a second matter to the sequencer; the tests check every
 * leaf against the canonicaliser's own output.
 */
export function eventLeaf(event: LoggedEvent, pseudonymise: Pseudonymiser): string {
  const q = JSON.stringify;
  const data =
    event.data === "{}" || !event.data ? "{}" : canonicalize(scrub(JSON.parse(event.data), pseudonymise))!;
  let out = `{"action":${q(event.action)},"actor":${q(pseudonymise(event.actor))},"at":${q(event.at)},"data":${data},"event":${event.id},"from":${q(event.fromState)}`;
  if (event.order) out += `,"order":{"measures":${canonicalize(event.order.measures)}}`;
  if (event.reason !== null) {
    out += event.actor.startsWith("public:")
      ? `,"reasonSha256":${q(createHash("sha256").update(event.reason).digest("hex"))}`
      : `,"reason":${q(event.reason)}`;
  }
  out += `,"subject":{"id":${event.subjectId},"type":${q(event.subjectType)}}`;
  if (event.target) {
    const { kind, orderId, value } = event.target;
    out += `,"target":{"kind":${q(kind)},"orderId":${orderId},"value":${q(value)}}`;
  }
  return `${out},"to":${q(event.toState)},"v":1}`;
}

function scrub(value: unknown, pseudonymise: Pseudonymiser): unknown {
  if (typeof value === "string") return value.includes("@") ? pseudonymise(value) : value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, pseudonymise));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (personalKeys.has(key)) continue;
      out[key] =
        key === "requestedBy" || key === "actor" ? pseudonymise(String(item)) : scrub(item, pseudonymise);
    }
    return out;
  }
  return value;
}

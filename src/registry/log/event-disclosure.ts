import { entryStates } from "../../intake/target.ts";

/**
 * When the public may read an event of the log, by the same rules the API applies (http/access.ts, the
 * README's "Accounts and access"):
 * - `public`: at once (a release published);
 * - `with-subject`: once its subject is public: an order once confirmed (or recorded by an authority), a target
 *   once it is an entry, i.e. approved (a proposal is not a decision, and naming a site never blocked harms
 *   it); the subject's whole history is then revealed, its proposal included;
 * - `never`: what the API never shows the public: appeals (an appellant's words, and that they appealed),
 *   operators' reports and acknowledgments, missed deadlines (compliance:read).
 * An event not readable when it is sequenced is logged as a commitment (leaf-commitment.ts), so the log
 * still pins it for ever, and its reveal can be checked against the leaf when it comes.
 */
export type Disclosure = "public" | "with-subject" | "never";

const never = new Set([
  "release.acknowledged",
  "release.ack-contradicted",
  "order.deadline-missed",
  "target.reported",
]);

export function disclosureOf(subjectType: string, action: string): Disclosure {
  if (subjectType === "appeal" || never.has(action)) return "never";
  if (subjectType === "release") return "public";
  return "with-subject";
}

/** What decides whether a subject is public, read with the event. */
export interface SubjectFacts {
  /** A target's state. */
  targetState?: string | undefined;
  /** The order (for a target, its order): an applicant's order is not public until an authority confirms it. */
  order?: { confirmedAt: string | null; ownerOrganisationId: number | null } | undefined;
}

const entry = new Set<string>(entryStates);

/** Whether the public may read this event now. Subjects only ever become public, never the reverse. */
export function readableNow(subjectType: string, action: string, facts: SubjectFacts): boolean {
  const disclosure = disclosureOf(subjectType, action);
  if (disclosure !== "with-subject") return disclosure === "public";
  const { order } = facts;
  const orderPublic =
    order !== undefined && (order.confirmedAt !== null || order.ownerOrganisationId === null);
  if (subjectType === "order") return orderPublic;
  if (subjectType === "target") return orderPublic && entry.has(facts.targetState ?? "");
  return false;
}

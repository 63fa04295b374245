import type { Expectation, Verdict } from "../../vocabulary/vocabulary.ts";
import type { DnsAnswer } from "./dns-answer.ts";
import type { ProbeOutcome } from "./dns-prober.ts";

export {
  type Expectation,
  expectations,
  type Verdict,
  verdicts,
} from "../../vocabulary/vocabulary.ts";

export interface Classification {
  verdict: Verdict;
  /** Why, when the verdict alone does not say it: e.g. `inconclusive`, `differs-from-reference`. */
  detail: string | null;
}

export interface ClassifyInput {
  expectation: Expectation;
  outcome: ProbeOutcome;
  /** What the unfiltered reference resolver answered; undefined when there is none. */
  reference: ProbeOutcome | undefined;
  /** The stop page's addresses: an answer with one of them is a block. */
  stopPage: readonly string[];
}

/**
 * Judges one answer as OONI's and Censored Planet's DNS tests do: against what an unfiltered reference
 * resolver says about the same name at the same time.
 * - A block is NXDOMAIN, NODATA (NOERROR without addresses), or the stop page's address (the three RPZ actions
 *   decree publishes, draft-ietf-dnsop-dns-rpz §4).
 * - A block is only evidence if the name really resolves: when the reference says NXDOMAIN or NODATA too, an
 *   NXDOMAIN proves nothing (the site is gone), and the verdict is `error` with detail `inconclusive`; the stop
 *   page's address is always proof.
 * - A normal answer to a blocked name is `not-enforced`; it is compared with the reference by address, and
 *   flagged `differs-from-reference` when no address is shared (a CDN's other address, or a block page decree
 *   does not know of).
 * - Timeouts, SERVFAIL, REFUSED and other failures after the retries are `error`.
 */
export function classifyAnswer(input: ClassifyInput): Classification {
  const answer = input.outcome.answer;
  if (!answer) return { verdict: "error", detail: input.outcome.failure ?? "no answer" };
  if (answer.rcode !== "NOERROR" && answer.rcode !== "NXDOMAIN") {
    return { verdict: "error", detail: answer.rcode };
  }
  const blocked = isBlock(answer, input.stopPage);
  const reference = input.reference?.answer;
  const referenceUsable =
    reference !== undefined && (reference.rcode === "NOERROR" || reference.rcode === "NXDOMAIN");
  const referenceResolves =
    referenceUsable && reference.rcode === "NOERROR" && reference.addresses.length > 0;
  const stopPageAnswer = answer.addresses.some((address) => input.stopPage.includes(address));
  if (input.expectation === "blocked") {
    if (blocked) {
      if (stopPageAnswer || referenceResolves) return { verdict: "enforced", detail: null };
      if (referenceUsable)
        return { verdict: "error", detail: "inconclusive: the reference does not resolve it either" };
      return { verdict: "enforced", detail: "unverified: no reference answer" };
    }
    return { verdict: "not-enforced", detail: normalDetail(answer, reference, referenceResolves) };
  }
  if (blocked) {
    if (stopPageAnswer || referenceResolves) return { verdict: "over-blocked", detail: null };
    if (referenceUsable)
      return { verdict: "not-enforced", detail: "the reference does not resolve it either" };
    return { verdict: "error", detail: "inconclusive: no reference answer" };
  }
  return { verdict: "not-enforced", detail: normalDetail(answer, reference, referenceResolves) };
}

function isBlock(answer: DnsAnswer, stopPage: readonly string[]): boolean {
  if (answer.rcode === "NXDOMAIN") return true;
  if (answer.addresses.length === 0) return true;
  return answer.addresses.some((address) => stopPage.includes(address));
}

function normalDetail(
  answer: DnsAnswer,
  reference: DnsAnswer | undefined,
  referenceResolves: boolean,
): string | null {
  if (!reference) return "unverified: no reference answer";
  if (!referenceResolves) return null;
  const shared = answer.addresses.some((address) => reference.addresses.includes(address));
  return shared ? null : "differs-from-reference";
}

import type { AskedQuestion } from "./ask-resolvers.ts";
import { questionKey } from "./ask-resolvers.ts";
import { type Classification, classifyAnswer } from "./classify-answer.ts";
import type { ProbeOutcome } from "./dns-prober.ts";
import type { ResolverEndpoint } from "./resolver-endpoint.ts";

export interface JudgedQuestion<R extends ResolverEndpoint = ResolverEndpoint> extends AskedQuestion<R> {
  classification: Classification;
  reference: ProbeOutcome | undefined;
}

/**
 * Classifies every answer against the reference, then applies the controls: when a resolver failed a control
 * asked before or after its other questions (no answer, or a control name blocked), its blocks cannot be told
 * from breakage, and its `enforced` verdicts become `error` (detail `control-failed`).
 */
export function judgeMeasurements<R extends ResolverEndpoint>(
  asked: readonly AskedQuestion<R>[],
  references: ReadonlyMap<string, ProbeOutcome>,
  stopPage: readonly string[],
): JudgedQuestion<R>[] {
  const judged = asked.map((question) => {
    const reference = references.get(questionKey(question.item));
    const classification = classifyAnswer({
      expectation: question.item.expectation,
      outcome: question.outcome,
      reference,
      stopPage,
    });
    return { ...question, classification, reference };
  });
  const failedControls = new Set<string>();
  for (const question of judged) {
    const verdict = question.classification.verdict;
    if (question.item.expectation === "control" && (verdict === "error" || verdict === "over-blocked")) {
      failedControls.add(endpointKey(question.resolver));
    }
  }
  for (const question of judged) {
    if (
      failedControls.has(endpointKey(question.resolver)) &&
      question.classification.verdict === "enforced"
    ) {
      question.classification = { verdict: "error", detail: "control-failed" };
    }
  }
  return judged;
}

function endpointKey(endpoint: ResolverEndpoint): string {
  return `${endpoint.transport} ${endpoint.host} ${endpoint.port} ${endpoint.url ?? ""}`;
}

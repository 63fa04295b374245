import type { MessageParams } from "../locale/format-message.ts";
import type { Finding } from "./finding.ts";

/**
 * A finding's message values travel in its evidence column under this key, so that a stored finding can be
 * told in any language without a column of its own; reading a finding takes them out again.
 */
const paramsKey = "@params";

/**
 * The last finding encoded: one a check gives every target of a batch (findings are never changed once made)
 * is stored as many times over and encoded once.
 */
let last: { finding: object; column: string } | undefined;

/** The evidence column of a finding: its evidence, and its message values when it has any. */
export function storedEvidence(finding: Pick<Finding, "evidence" | "params">): string {
  if (last?.finding === finding) return last.column;
  const column = JSON.stringify(
    finding.params ? { ...finding.evidence, [paramsKey]: finding.params } : finding.evidence,
  );
  last = { finding, column };
  return column;
}

/** A stored evidence column read back: the evidence as the check gave it, and the message values apart. */
export function readStoredEvidence(column: string): {
  evidence: Record<string, unknown>;
  params: MessageParams | undefined;
} {
  const { [paramsKey]: params, ...evidence } = JSON.parse(column) as Record<string, unknown>;
  return { evidence, params: params as MessageParams | undefined };
}

/** One thing `decree verify` found wrong, with what shows it: enough for someone else to check the claim. */
export interface Problem {
  /** fork, rewrite, removed, signature, mismatch, unbacked, missing, binding, reveal. */
  kind: string;
  message: string;
  evidence: Record<string, unknown>;
}

export interface VerificationReport {
  ok: boolean;
  /** What was established, for the record: sizes, roots, counts. */
  facts: Record<string, unknown>;
  problems: Problem[];
}

export function report(facts: Record<string, unknown>, problems: Problem[]): VerificationReport {
  return { ok: problems.length === 0, facts, problems };
}

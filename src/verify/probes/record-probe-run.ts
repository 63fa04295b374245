import type { Kysely } from "kysely";
import { recordProbeVerdicts } from "../../observability/record-probe-verdicts.ts";
import type { Database } from "../../store/database.ts";
import { inTransaction } from "../../store/in-transaction.ts";
import { insertMany } from "../../store/insert-many.ts";
import type { ProbeRunKind } from "../../vocabulary/vocabulary.ts";
import type { JudgedQuestion } from "./judge-measurements.ts";
import type { RegisteredResolver } from "./resolvers.ts";

export interface ProbeRunRecord {
  kind: ProbeRunKind;
  /** registry, or agent:<name>. */
  source: string;
  releaseId?: number | null;
  reference?: string | null;
  startedAt: string;
  finishedAt: string;
  signedPayload?: string | null;
  signature?: string | null;
}

const columns = [
  "run_id",
  "operator_id",
  "resolver_id",
  "name",
  "qtype",
  "expectation",
  "target_id",
  "verdict",
  "detail",
  "rcode",
  "answers",
  "raw",
  "reference_answers",
  "attempts",
  "rtt_ms",
  "at",
  "source",
] as const;

/** Stores a probe run and its measurements in one transaction: a run is never half recorded. */
export async function recordProbeRun(
  db: Kysely<Database>,
  run: ProbeRunRecord,
  judged: readonly JudgedQuestion<RegisteredResolver>[],
): Promise<number> {
  const runId = await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto("probe_runs")
      .values({
        kind: run.kind,
        source: run.source,
        release_id: run.releaseId ?? null,
        reference: run.reference ?? null,
        started_at: run.startedAt,
        finished_at: run.finishedAt,
        queries: judged.length,
        signed_payload: run.signedPayload ?? null,
        signature: run.signature ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const runId = Number(row.id);
    await insertMany(trx, "measurements", columns, judged.length, (index, out, at) => {
      const question = judged[index]!;
      const answer = question.outcome.answer;
      const reference = question.reference?.answer;
      out[at] = runId;
      out[at + 1] = question.resolver.operatorId;
      out[at + 2] = question.resolver.id;
      out[at + 3] = question.item.name;
      out[at + 4] = question.item.qtype;
      out[at + 5] = question.item.expectation;
      out[at + 6] = question.item.targetId;
      out[at + 7] = question.classification.verdict;
      out[at + 8] = question.classification.detail;
      out[at + 9] = answer?.rcode ?? null;
      out[at + 10] = JSON.stringify(answer?.answers ?? []);
      out[at + 11] = answer ? answer.raw.toString("base64") : null;
      out[at + 12] = question.reference
        ? JSON.stringify(
            reference
              ? { rcode: reference.rcode, answers: reference.answers }
              : { failure: question.reference.failure },
          )
        : null;
      out[at + 13] = question.outcome.attempts;
      out[at + 14] = answer ? Math.round(answer.rttMs) : null;
      out[at + 15] = question.at;
      out[at + 16] = run.source;
    });
    return runId;
  });
  // Counted once stored: a run that did not commit measured nothing.
  recordProbeVerdicts(
    judged.map((q) => ({ operator: q.resolver.operator, verdict: q.classification.verdict })),
  );
  return runId;
}

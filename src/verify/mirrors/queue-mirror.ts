import type { Kysely } from "kysely";
import type { CheckSettings } from "../../checks/check-data.ts";
import { findingMessage } from "../../checks/finding-message.ts";
import { wordedScore } from "../../checks/mirror-explanation.ts";
import { type RecordedFindings, recordFindings } from "../../checks/record-findings.ts";
import { storedEvidence } from "../../checks/stored-evidence.ts";
import { DecreeError } from "../../errors/decree-error.ts";
import { type AddedTarget, addTargets } from "../../intake/add-targets.ts";
import { type Order, orderState } from "../../intake/order.ts";
import type { Database } from "../../store/database.ts";
import type { MirrorCandidateState } from "../../vocabulary/vocabulary.ts";
import type { MirrorScore } from "./score-mirror.ts";
import type { StoredCapture } from "./store-capture.ts";

export type MirrorSource = "discovery" | "applicant";

export interface MirrorToQueue {
  name: string;
  /** The kind of the blocked target it copies: a domain's mirror is a domain. */
  kind: "fqdn" | "domain";
  capture: StoredCapture;
  original: StoredCapture | null;
  score: MirrorScore;
  source: MirrorSource;
}

export interface QueuedMirror {
  candidateId: number;
  target: AddedTarget;
  findings: RecordedFindings;
}

/**
 * Whether mirrors may be added under the order at all: only an order that extends to mirrors (in France, art.
 * L.331-27 CPI) and is in force; a mirror never outlives the decision it extends.
 */
export function assertOrderTakesMirrors(order: Order, now: Date): void {
  if (!order.extendsToMirrors) {
    throw new DecreeError(
      "TARGET_MIRROR_NOT_ALLOWED",
      `Order ${order.id} (${order.caseNumber}) does not extend to mirrors: a mirror of its sites needs a new ` +
        "decision, or an order that extends to mirrors.",
    );
  }
  const state = orderState(order, now);
  if (state === "expired") {
    throw new DecreeError(
      "ORDER_EXPIRED",
      `Order ${order.id} ended on ${order.validUntil}; it takes no mirror.`,
    );
  }
  if (state === "pending") {
    throw new DecreeError(
      "ORDER_NOT_IN_FORCE",
      `Order ${order.id} comes into force on ${order.validFrom}; mirrors can be added from then.`,
    );
  }
}

const findingColumns = [
  "target_id",
  "check",
  "severity",
  "code",
  "message",
  "evidence",
  "created_at",
] as const;

/**
 * Proposes a mirror as a target of the original order (origin `mirror`), in the caller's transaction: the
 * safeguard checks run on it like on any target, and its mirror evidence is kept beside their findings, so
 * that the authority's review queue shows why decree thinks it is a copy. A weak score is a `review` finding.
 */
export async function queueMirror(
  trx: Kysely<Database>,
  order: Order,
  mirror: MirrorToQueue,
  options: { actor: string; now: Date; checkSettings?: CheckSettings },
): Promise<QueuedMirror> {
  assertOrderTakesMirrors(order, options.now);
  const added = await addTargets(trx, order, [{ input: mirror.name, kind: mirror.kind, line: 1 }], {
    actor: options.actor,
    now: options.now,
    origin: "mirror",
  });
  const target = added.added[0]!;
  const findings = await recordFindings(trx, order, added.added, {
    now: options.now,
    settings: options.checkSettings,
  });
  const strong = mirror.score.verdict === "mirror";
  const params = {
    name: mirror.name,
    original: mirror.score.original,
    explanation: mirror.score.explanation,
    mirror: JSON.stringify(wordedScore(mirror.score)),
  };
  const at = options.now.toISOString();
  await trx
    .insertInto("findings")
    .columns(findingColumns)
    .values({
      target_id: target.id,
      check: "mirror-evidence",
      severity: strong ? "info" : "review",
      code: strong ? "MIRROR_EVIDENCE" : "MIRROR_WEAK_EVIDENCE",
      message: findingMessage(strong ? "MIRROR_EVIDENCE" : "MIRROR_WEAK_EVIDENCE", params),
      evidence: storedEvidence({
        params,
        evidence: {
          source: mirror.source,
          score: mirror.score.score,
          verdict: mirror.score.verdict,
          threshold: mirror.score.threshold,
          signals: mirror.score.signals,
          captureId: mirror.capture.id,
          captureSha256: mirror.capture.sha256,
          originalCaptureId: mirror.original?.id ?? null,
          originalCaptureSha256: mirror.original?.sha256 ?? null,
          finalUrl: mirror.capture.evidence.fetch.finalUrl,
          hops: mirror.capture.evidence.fetch.hops,
          title: mirror.capture.evidence.page?.title ?? null,
        },
      }),
      created_at: at,
    })
    .execute();
  if (!strong) findings.counts.review++;
  else findings.counts.info++;
  const row = await trx
    .insertInto("mirror_candidates")
    .values(candidateRow(order.id, mirror, options.actor, at, "queued", target.id))
    .returning("id")
    .executeTakeFirstOrThrow();
  return { candidateId: Number(row.id), target, findings };
}

/** A candidate looked at and left alone (below the threshold): kept, so that the reviewer sees what was weighed. */
export async function recordCandidate(
  db: Kysely<Database>,
  orderId: number,
  mirror: MirrorToQueue,
  options: { actor: string; now: Date; state: "below-threshold" | "skipped" },
): Promise<number> {
  const row = await db
    .insertInto("mirror_candidates")
    .values(candidateRow(orderId, mirror, options.actor, options.now.toISOString(), options.state, null))
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

function candidateRow(
  orderId: number,
  mirror: MirrorToQueue,
  actor: string,
  at: string,
  state: MirrorCandidateState,
  targetId: number | null,
) {
  return {
    order_id: orderId,
    name: mirror.name,
    original: mirror.score.original,
    source: mirror.source,
    score: mirror.score.score,
    verdict: mirror.score.verdict,
    explanation: mirror.score.explanation,
    signals: JSON.stringify(mirror.score.signals),
    capture_id: mirror.capture.id,
    original_capture_id: mirror.original?.id ?? null,
    target_id: targetId,
    state,
    created_at: at,
    created_by: actor,
  };
}

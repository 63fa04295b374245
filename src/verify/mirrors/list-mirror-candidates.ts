import type { Kysely, Selectable } from "kysely";
import { DecreeError } from "../../errors/decree-error.ts";
import type { Database, MirrorCandidatesTable } from "../../store/database.ts";
import type {
  MirrorCandidateState,
  MirrorRunState,
  MirrorSource,
  MirrorVerdict,
} from "../../vocabulary/vocabulary.ts";
import type { SiteEvidence } from "./collect-site-evidence.ts";
import type { MirrorSignal } from "./score-mirror.ts";

export interface MirrorCandidateView {
  id: number;
  orderId: number;
  name: string;
  original: string;
  source: MirrorSource;
  score: number;
  verdict: MirrorVerdict;
  state: MirrorCandidateState;
  explanation: string;
  signals: MirrorSignal[];
  targetId: number | null;
  captureId: number;
  originalCaptureId: number | null;
  createdAt: string;
  createdBy: string;
}

export interface MirrorCandidateDetail extends MirrorCandidateView {
  evidence: { candidate: CaptureView; original: CaptureView | null };
}

interface CaptureView {
  id: number;
  sha256: string;
  capturedAt: string;
  site: SiteEvidence;
}

/** The candidates weighed for an order, best score first: queued ones and those left below the threshold. */
export async function listMirrorCandidates(
  db: Kysely<Database>,
  orderId: number,
  filter: { state?: MirrorCandidateState | undefined; limit?: number | undefined } = {},
): Promise<MirrorCandidateView[]> {
  let query = db.selectFrom("mirror_candidates").selectAll().where("order_id", "=", orderId);
  if (filter.state !== undefined) query = query.where("state", "=", filter.state);
  const rows = await query
    .orderBy("score", "desc")
    .orderBy("id")
    .limit(Math.min(filter.limit ?? 200, 1000))
    .execute();
  return rows.map(viewOf);
}

/** One candidate with the evidence behind its score: its capture and the original's it was compared with. */
export async function mirrorCandidate(db: Kysely<Database>, id: number): Promise<MirrorCandidateDetail> {
  const row = await db.selectFrom("mirror_candidates").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) {
    throw new DecreeError("MIRROR_CANDIDATE_NOT_FOUND", `No mirror candidate ${id}; list them per order.`);
  }
  const ids = [row.capture_id, row.original_capture_id].filter((c): c is number => c !== null).map(Number);
  const captures = await db.selectFrom("site_captures").selectAll().where("id", "in", ids).execute();
  const byId = new Map(
    captures.map((c) => [
      Number(c.id),
      {
        id: Number(c.id),
        sha256: c.sha256,
        capturedAt: c.captured_at,
        site: JSON.parse(c.evidence) as SiteEvidence,
      },
    ]),
  );
  return {
    ...viewOf(row),
    evidence: {
      candidate: byId.get(Number(row.capture_id))!,
      original: row.original_capture_id === null ? null : (byId.get(Number(row.original_capture_id)) ?? null),
    },
  };
}

function viewOf(row: Selectable<MirrorCandidatesTable>): MirrorCandidateView {
  return {
    id: Number(row.id),
    orderId: Number(row.order_id),
    name: row.name,
    original: row.original,
    source: row.source,
    score: Number(row.score),
    verdict: row.verdict,
    state: row.state,
    explanation: row.explanation,
    signals: JSON.parse(row.signals),
    targetId: row.target_id === null ? null : Number(row.target_id),
    captureId: Number(row.capture_id),
    originalCaptureId: row.original_capture_id === null ? null : Number(row.original_capture_id),
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export interface MirrorRunView {
  id: number;
  orderId: number | null;
  state: MirrorRunState;
  progress: Record<string, unknown>;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** An order's discovery runs, newest first: their progress and the limits they reached. */
export async function listMirrorRuns(
  db: Kysely<Database>,
  orderId: number,
  limit = 50,
): Promise<MirrorRunView[]> {
  const rows = await db
    .selectFrom("mirror_runs")
    .selectAll()
    .where("order_id", "=", orderId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    orderId: row.order_id === null ? null : Number(row.order_id),
    state: row.state,
    progress: JSON.parse(row.progress),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  }));
}
